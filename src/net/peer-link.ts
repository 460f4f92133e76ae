import { connect as netConnect, type Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import type { NodeId } from "../core/ids.js";
import type { Logger } from "../core/observe.js";
import { FRAME_HEADER_BYTES, FrameWriter } from "./frame.js";
import type { NetLimits } from "./limits.js";
import { countReason, type TransportStats } from "./stats.js";
import {
  BATCH_BYTES_TARGET,
  BATCH_ITEMS_MAX,
  codec,
  FRAME_KIND,
  type Hello,
  WIRE_VERSION,
} from "./wire.js";

/** Socket errors that only mean the peer is down or restarting. */
const ROUTINE_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

/** Bytes a batch frame adds to its items, after the length header: kind byte and array header. */
const BATCH_OVERHEAD_BYTES = 1 + 5;

/** Where a peer listens. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** What a link needs from its transport. */
export interface LinkContext {
  readonly self: NodeId;
  readonly protocol: string;
  readonly nodes: number;
  readonly limits: NetLimits;
  readonly log: Logger;
  readonly stats: TransportStats;
  readonly random: () => number;
  /** Client TLS options for dialling a given peer, when mutual TLS is on. */
  readonly tls: ((peer: NodeId) => ConnectionOptions) | undefined;
}

/**
 * The outbound half of the connection to one peer: a bounded queue of
 * messages, encoded and written in batches (all sends of one event-loop turn
 * leave in one write), and a connection that is re-dialled with exponential
 * backoff and jitter whenever it fails. A message that finds the queue full is
 * dropped and counted: to the protocol that is an omission, as on a real network.
 */
export class PeerLink {
  private socket: Socket | undefined;
  private open = false;
  private closed = false;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private readonly queue: unknown[] = [];
  private queueHead = 0;
  private readonly writer = new FrameWriter();
  private readonly flushNow = (): void => this.flush();

  constructor(
    private readonly peer: NodeId,
    private readonly address: PeerAddress,
    private readonly ctx: LinkContext,
  ) {}

  /** Starts dialling; messages sent before the connection is up wait in the queue. */
  start(): void {
    this.dial();
  }

  /** Queues `msg` for the peer, or drops it (counted) when the queue is full or the link closed. */
  send(msg: unknown): void {
    if (this.closed) {
      countReason(this.ctx.stats.dropped, "closed");
      return;
    }
    if (this.queue.length - this.queueHead >= this.ctx.limits.sendQueueMax) {
      countReason(this.ctx.stats.dropped, "queueFull");
      return;
    }
    this.queue.push(msg);
    if (this.open && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushNow);
    }
  }

  /** Messages waiting to be written. */
  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** True while a connection is established. */
  get connected(): boolean {
    return this.open;
  }

  /** Skips a pending reconnect delay and dials now (backoff restarts from its minimum). */
  redialNow(): void {
    if (this.closed || this.socket !== undefined || this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempts = 0;
    this.dial();
  }

  /** Writes what is queued (counting what cannot be as dropped `closed`), then closes the connection and stops reconnecting. */
  close(): void {
    this.flush();
    // What could not be written (the peer is down, or its socket is full) is lost: count it.
    if (this.queued > 0) countReason(this.ctx.stats.dropped, "closed", this.queued);
    this.queue.length = 0;
    this.queueHead = 0;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.end();
    this.socket = undefined;
    this.open = false;
  }

  private dial(): void {
    if (this.closed) return;
    const { host, port } = this.address;
    const socket =
      this.ctx.tls === undefined
        ? netConnect({ host, port })
        : tlsConnect({ ...this.ctx.tls(this.peer), host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    socket.once(this.ctx.tls === undefined ? "connect" : "secureConnect", () =>
      this.onOpen(socket),
    );
    socket.on("drain", this.flushNow);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A peer that is down or restarting is routine; anything else (a certificate that
      // does not name the peer, an unknown CA) is a misconfiguration worth a warning.
      const routine = error.code !== undefined && ROUTINE_ERRORS.has(error.code);
      const fields = { peer: this.peer, code: error.code, why: error.message };
      if (routine) this.ctx.log.debug("link error", fields);
      else this.ctx.log.warn("link error; will redial", fields);
    });
    socket.on("close", () => this.onClose(socket));
    // Inbound data on an outbound link is a protocol violation by the peer; ignore it.
    socket.on("data", () => {});
  }

  private onOpen(socket: Socket): void {
    if (socket !== this.socket) return;
    const hello: Hello = {
      v: WIRE_VERSION,
      from: this.ctx.self,
      protocol: this.ctx.protocol,
      nodes: this.ctx.nodes,
    };
    this.writer.append(FRAME_KIND.hello, codec.pack(hello));
    socket.write(this.writer.take());
    this.open = true;
    this.attempts = 0;
    this.ctx.stats.connects++;
    this.ctx.log.debug("link up", { peer: this.peer });
    this.flush();
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    const wasOpen = this.open;
    this.socket = undefined;
    this.open = false;
    if (this.closed) return;
    if (wasOpen) this.ctx.log.info("link down; reconnecting", { peer: this.peer });
    const { reconnectMsMin, reconnectMsMax } = this.ctx.limits;
    const ceilingMs = Math.min(reconnectMsMax, reconnectMsMin * 2 ** Math.min(this.attempts, 20));
    const delayMs = ceilingMs * (0.5 + 0.5 * this.ctx.random());
    this.attempts++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.dial();
    }, delayMs);
  }

  /**
   * Encodes queued messages into batch frames (a new one every
   * `BATCH_BYTES_TARGET` bytes) until the queue is empty or the socket's
   * buffer is full, then writes them in one call.
   */
  private flush(): void {
    this.flushScheduled = false;
    const socket = this.socket;
    if (!this.open || socket === undefined) return;
    const { frameBytesMax, socketBufferBytesMax } = this.ctx.limits;
    const budget = socketBufferBytesMax - socket.writableLength;
    const batchBytesMax = Math.min(frameBytesMax, BATCH_BYTES_TARGET);
    let count = 0;
    this.writer.beginBatch(FRAME_KIND.batch);
    while (this.queueHead < this.queue.length && this.writer.size < budget) {
      const msg = this.queue[this.queueHead];
      this.queue[this.queueHead++] = undefined;
      const body = codec.pack(msg);
      if (BATCH_OVERHEAD_BYTES + body.length > frameBytesMax) {
        this.tooLarge(body.length);
        continue;
      }
      if (
        this.writer.batchBytes + body.length > batchBytesMax ||
        this.writer.batchItems === BATCH_ITEMS_MAX
      ) {
        this.writer.endBatch();
        this.writer.beginBatch(FRAME_KIND.batch);
      }
      this.writer.appendItem(body);
      count++;
    }
    this.writer.endBatch();
    this.compactQueue();
    if (this.writer.size === 0) return;
    const bytes = this.writer.take();
    this.ctx.stats.sent += count;
    this.ctx.stats.bytesOut += bytes.length;
    this.ctx.stats.writes++;
    socket.write(bytes);
  }

  private tooLarge(bodyBytes: number): void {
    countReason(this.ctx.stats.dropped, "tooLarge");
    this.ctx.log.warn("message dropped: larger than frameBytesMax", {
      peer: this.peer,
      bytes: FRAME_HEADER_BYTES + BATCH_OVERHEAD_BYTES + bodyBytes,
      frameBytesMax: this.ctx.limits.frameBytesMax,
    });
  }

  private compactQueue(): void {
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }
}
