import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { type NodeId, nodeName } from "../core/ids.js";
import type { Logger } from "../core/observe.js";
import { describeValue } from "../core/validate.js";
import { FrameDecoder } from "./frame.js";
import type { NetLimits } from "./limits.js";
import { countReason, type TransportStats } from "./stats.js";
import { BATCH_ITEMS_MAX, checkHello, decodeBody, FRAME_KIND } from "./wire.js";

/** What an inbound connection needs from its transport. */
export interface InboundContext {
  readonly self: NodeId;
  readonly protocol: string;
  readonly nodes: number;
  readonly limits: NetLimits;
  readonly log: Logger;
  readonly stats: TransportStats;
  /** The protocol's validator: why a message is malformed, or undefined. */
  readonly validate: (msg: unknown) => string | undefined;
  /** Hands a valid message to the node. */
  readonly deliver: (from: NodeId, msg: unknown) => void;
  /** True when mutual TLS is on: the peer certificate's CN must name the sender. */
  readonly tls: boolean;
}

/**
 * One accepted connection. Every frame passes, in order: its length (no
 * larger than `frameBytesMax`, not empty), msgpack decoding, the envelope
 * (a hello first and only first, then message frames), and the protocol's
 * `validate`. The first frame that fails closes this connection — and only
 * this one — with a warning that says what was wrong, from which peer, and why.
 */
export class InboundConnection {
  private from: NodeId | undefined;
  private readonly decoder: FrameDecoder;
  private readonly remote: string;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private dead = false;
  private readonly onFrame = (buf: Buffer, start: number, end: number): void =>
    this.frame(buf, start, end);
  /** Reused by every decode: msgpackr reads a range of the chunk, no per-frame view. */
  private readonly range = { start: 0, end: 0 };

  constructor(
    private readonly socket: Socket,
    private readonly ctx: InboundContext,
  ) {
    this.decoder = new FrameDecoder(ctx.limits.frameBytesMax);
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.data(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      ctx.log.debug("inbound error", { peer: this.peerName, code: error.code, why: error.message });
    });
    this.handshakeTimer = setTimeout(
      () => this.reject("handshake", `no hello within ${ctx.limits.handshakeMsMax} ms`),
      ctx.limits.handshakeMsMax,
    );
  }

  /** The peer, once it has said hello. */
  get peer(): NodeId | undefined {
    return this.from;
  }

  /** Closes the connection without blame (the node is stopping). */
  close(): void {
    this.dead = true;
    clearTimeout(this.handshakeTimer);
    this.socket.destroy();
  }

  private get peerName(): string {
    return this.from === undefined ? `unidentified peer at ${this.remote}` : nodeName(this.from);
  }

  private data(chunk: Buffer): void {
    if (this.dead) return;
    this.ctx.stats.bytesIn += chunk.length;
    const error = this.decoder.push(chunk, this.onFrame);
    if (error !== undefined && !this.dead) {
      const what =
        error.reason === "empty"
          ? `empty frame (length 0) at stream byte ${error.offset}`
          : `frame of ${error.length} bytes at stream byte ${error.offset} exceeds frameBytesMax ${this.ctx.limits.frameBytesMax}`;
      this.reject(error.reason, what);
    }
  }

  private frame(buf: Buffer, start: number, end: number): void {
    if (this.dead) return;
    const kind = buf[start];
    if (this.from === undefined) {
      this.handshake(kind, buf, start, end);
      return;
    }
    if (kind !== FRAME_KIND.msg && kind !== FRAME_KIND.batch) {
      this.reject(
        "envelope",
        `expected a message or batch frame (kind ${FRAME_KIND.msg} or ${FRAME_KIND.batch}), got kind ${kind}`,
      );
      return;
    }
    const decoded = decodeBody(buf, start, end, this.range);
    if (!decoded.ok) {
      this.reject("decode", decoded.reason);
      return;
    }
    if (kind === FRAME_KIND.msg) {
      this.deliverAll([decoded.value]);
      return;
    }
    const items = decoded.value;
    if (!Array.isArray(items) || items.length === 0 || items.length > BATCH_ITEMS_MAX) {
      this.reject(
        "envelope",
        `batch: expected an array of 1..${BATCH_ITEMS_MAX} messages, got ${describeValue(items)}`,
      );
      return;
    }
    this.deliverAll(items);
  }

  /** Validates every message of a frame first, so a bad one delivers none of them. */
  private deliverAll(items: readonly unknown[]): void {
    const from = this.from;
    if (from === undefined) return;
    for (let i = 0; i < items.length; i++) {
      const problem = this.ctx.validate(items[i]);
      if (problem !== undefined) {
        const where = items.length === 1 ? "message" : `message ${i} of ${items.length} in a batch`;
        this.reject("validate", `${where} failed validation: ${problem}`);
        return;
      }
    }
    this.ctx.stats.delivered += items.length;
    for (let i = 0; i < items.length; i++) {
      if (this.dead) return;
      this.ctx.deliver(from, items[i]);
    }
  }

  private handshake(kind: number | undefined, buf: Buffer, start: number, end: number): void {
    if (kind !== FRAME_KIND.hello) {
      this.reject(
        "handshake",
        `expected a hello frame (kind ${FRAME_KIND.hello}) first, got kind ${kind}`,
      );
      return;
    }
    const decoded = decodeBody(buf, start, end);
    if (!decoded.ok) {
      this.reject("decode", `hello: ${decoded.reason}`);
      return;
    }
    const problem = checkHello(decoded.value, this.ctx.self, this.ctx.protocol, this.ctx.nodes);
    if (problem !== undefined) {
      this.reject("handshake", problem);
      return;
    }
    const from = (decoded.value as { from: NodeId }).from;
    if (this.ctx.tls) {
      const cn = (this.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN;
      if (cn !== nodeName(from)) {
        this.reject(
          "handshake",
          `hello names ${nodeName(from)} but its certificate names ${String(cn)}`,
        );
        return;
      }
    }
    clearTimeout(this.handshakeTimer);
    this.from = from;
  }

  private reject(reason: string, why: string): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.handshakeTimer);
    countReason(this.ctx.stats.rejected, reason);
    this.ctx.log.warn("frame rejected; connection closed", {
      peer: this.peerName,
      remote: this.remote,
      reason,
      why,
    });
    this.socket.destroy();
  }
}
