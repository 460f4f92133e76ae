import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId, TimerId } from "../core/ids.js";
import type { ProtocolEvent } from "../core/observe.js";
import type { ProtocolNode } from "../core/protocol.js";
import { RaftClient } from "./client.js";
import type { KvOp } from "./kv.js";
import { LOAD_CLIENTS_MAX, type RaftLoadConfig } from "./load-config.js";
import { summarizeLatencies } from "./load-stats.js";
import type { RaftMessage } from "./messages.js";

/** Letters the mixed workload uses as keys. */
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Separates a logical client's index from its own timer tag. */
const TAG_SEPARATOR = "|";

/** How many operations ended, by status. */
interface Counts {
  ok: number;
  fail: number;
  info: number;
}

/**
 * A load driver: one node that runs `clients` logical key-value clients at
 * once, each the stock `RaftClient` (one operation at a time, leader hints,
 * retries under one session), so the same client code runs here as in the
 * simulator's `raft-kv`. The clients share this node's Env: a client's timer
 * tags are prefixed with its index, and its request `msgId`s are multiplied by
 * `clients` plus its index, so every reply (`inReplyTo`) goes back to the
 * client that asked, with its own msgId.
 *
 * It measures what it sees: every operation that returns within the window
 * `[warmupMs, warmupMs + durationMs)` after the start counts, and the latency
 * of an `ok` one is from its call to its return on this node's clock. At the
 * window's end it emits one `loadResult` event (throughput and latency
 * percentiles) and its clients stop; with `durationMs = 0` they never stop.
 * Every `reportMs` it emits `loadProgress` (operations ended so far, by
 * status). With `recordOps` the clients' `kvCall` / `kvReturn` events pass
 * through, with `process` the logical client's id, for the history.
 */
export class LoadDriver implements ProtocolNode<RaftMessage, string> {
  private env!: Env<RaftMessage, string>;
  private readonly clients: RaftClient[] = [];
  /** When each client's open operation was called, or NaN. */
  private readonly callAt: number[] = [];
  private readonly total: Counts = { ok: 0, fail: 0, info: 0 };
  private readonly window: Counts = { ok: 0, fail: 0, info: 0 };
  private readonly latencies: number[] = [];
  private measureFrom = 0;
  private measureTo = Number.POSITIVE_INFINITY;
  private ended = false;
  private readonly pad: string;

  constructor(
    readonly id: NodeId,
    private readonly config: RaftLoadConfig,
  ) {
    assert(
      config.clients >= 1 && config.clients <= LOAD_CLIENTS_MAX,
      () => `load driver: clients ${config.clients} outside [1, ${LOAD_CLIENTS_MAX}]`,
    );
    this.pad = "x".repeat(config.valueBytes);
  }

  /** The logical id of client `index` of this driver (its `process` in the history). */
  logicalId(index: number): number {
    return this.id * LOAD_CLIENTS_MAX + index;
  }

  start(env: Env<RaftMessage, string>, _recovered: boolean): void {
    this.env = env;
    const servers = env.cluster.filter((n) => n < this.config.servers);
    assert(
      servers.length === this.config.servers,
      () =>
        `raft-load: ${this.config.servers} servers configured but the cluster has ${env.cluster.length} nodes`,
    );
    const drivers = env.cluster.length - servers.length;
    assert(
      drivers * this.config.clients <= this.config.sessionsMax,
      () =>
        `raft-load: ${drivers} drivers × ${this.config.clients} clients exceed sessionsMax ${this.config.sessionsMax}: evicted sessions could apply a retried write twice`,
    );
    const start = env.now();
    this.measureFrom = start + this.config.warmupMs;
    if (this.config.durationMs > 0) {
      this.measureTo = this.measureFrom + this.config.durationMs;
      env.setTimer(this.config.warmupMs + this.config.durationMs, "end");
    }
    if (this.config.reportMs > 0) env.setTimer(this.config.reportMs, "progress");
    for (let c = 0; c < this.config.clients; c++) {
      const client = new RaftClient(this.logicalId(c), {
        servers,
        nextOp: (random, seq) => this.nextOp(c, random, seq),
        attemptTimeoutMs: this.config.attemptTimeoutMs,
        opTimeoutMs: this.config.opTimeoutMs,
        backoffMsMin: this.config.backoffMsMin,
        backoffMsMax: this.config.backoffMsMax,
        thinkMs: this.config.thinkMs,
      });
      this.clients.push(client);
      this.callAt.push(Number.NaN);
      client.start(this.clientEnv(c), false);
    }
  }

  onMessage(_from: NodeId, msg: RaftMessage): void {
    if (msg.type !== "kvOk" && msg.type !== "error") return;
    const stride = this.config.clients;
    const c = msg.inReplyTo % stride;
    const client = this.clients[c];
    if (client === undefined) return;
    client.onMessage(_from, { ...msg, inReplyTo: Math.floor(msg.inReplyTo / stride) });
  }

  onTimer(tag: string): void {
    if (tag === "end") {
      this.end();
      return;
    }
    if (tag === "progress") {
      this.env.emit({ type: "loadProgress", ...this.total, clients: this.config.clients });
      this.env.setTimer(this.config.reportMs, "progress");
      return;
    }
    const at = tag.indexOf(TAG_SEPARATOR);
    const client = this.clients[Number(tag.slice(0, at))];
    assert(at > 0 && client !== undefined, () => `load driver: unknown timer ${tag}`);
    client.onTimer(tag.slice(at + 1));
  }

  /** The measurement: called once, at the end of the window. */
  private end(): void {
    this.ended = true;
    const seconds = this.config.durationMs / 1000;
    const latency = summarizeLatencies(this.latencies);
    this.env.emit({
      type: "loadResult",
      clients: this.config.clients,
      workload: this.config.workload,
      measuredMs: this.config.durationMs,
      ...this.window,
      okPerSec: Math.round((this.window.ok / seconds) * 10) / 10,
      ...latency,
    });
  }

  private nextOp(c: number, random: () => number, seq: number): KvOp | undefined {
    if (this.ended) return undefined;
    const id = this.logicalId(c);
    const { keys } = this.config;
    if (this.config.workload === "puts") {
      const prefix = `${id}.${seq}.`;
      return {
        op: "put",
        key: `k${Math.floor(random() * keys)}`,
        value: (prefix + this.pad.slice(prefix.length)).slice(0, this.config.valueBytes),
      };
    }
    const key = LETTERS[Math.floor(random() * keys)] ?? "a";
    const r = random();
    if (r < 0.35) return { op: "put", key, value: `${id}.${seq}` };
    if (r < 0.65) return { op: "get", key };
    if (r < 0.8) return { op: "cas", key, from: `${id}.${seq - 1}`, to: `${id}.${seq}` };
    if (r < 0.9) return { op: "delete", key };
    return { op: "range", start: "a", end: "{", limit: 26 };
  }

  /** What client `c` sees as its Env: this node's, with its timers, msgIds and events mapped. */
  private clientEnv(c: number): Env<RaftMessage, string> {
    const env = this.env;
    const stride = this.config.clients;
    return {
      self: env.self,
      cluster: env.cluster,
      now: () => env.now(),
      send: (to: NodeId, msg: RaftMessage) => {
        env.send(to, msg.type === "kv" ? { ...msg, msgId: msg.msgId * stride + c } : msg);
      },
      setTimer: (afterMs: number, tag: string): TimerId =>
        env.setTimer(afterMs, `${c}${TAG_SEPARATOR}${tag}`),
      cancelTimer: (id: TimerId) => env.cancelTimer(id),
      random: () => env.random(),
      buggify: (site: string) => env.buggify(site),
      storage: env.storage,
      emit: (event: ProtocolEvent) => this.observe(c, event),
      log: env.log,
      metrics: env.metrics,
    };
  }

  /** Counts and times client `c`'s operations from its events; passes them on with `recordOps`. */
  private observe(c: number, event: ProtocolEvent): void {
    const now = this.env.now();
    if (event.type === "kvCall") {
      this.callAt[c] = now;
    } else if (event.type === "kvReturn") {
      const status = event.status as keyof Counts;
      this.total[status]++;
      // With durationMs = 0 the window never ends and nothing is kept (memory stays bounded).
      if (this.config.durationMs > 0 && now >= this.measureFrom && now < this.measureTo) {
        this.window[status]++;
        if (status === "ok") this.latencies.push(now - (this.callAt[c] ?? now));
      }
      this.callAt[c] = Number.NaN;
    }
    if (this.config.recordOps || (event.type !== "kvCall" && event.type !== "kvReturn")) {
      this.env.emit(event);
    }
  }
}
