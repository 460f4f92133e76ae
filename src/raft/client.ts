import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { ProtocolNode } from "../core/protocol.js";
import { isReadOp, type KvOp, type KvResult } from "./kv.js";
import type { RaftMessage } from "./messages.js";
import type { HistoryRecorder } from "./recorder.js";

/** How a simulated client behaves. */
export interface RaftClientOptions {
  /** The Raft servers it may talk to. */
  readonly servers: readonly NodeId[];
  /** The next operation to run (seq counts from 1), or undefined when the client is done. */
  readonly nextOp: (random: () => number, seq: number) => KvOp | undefined;
  /** Where operations are recorded; they are also emitted as `kvCall` / `kvReturn` events. */
  readonly recorder?: HistoryRecorder;
  /** An attempt without a reply after this long is retried elsewhere. */
  readonly attemptTimeoutMs: number;
  /** An operation not completed after this long is given up (`info` if it may have happened). */
  readonly opTimeoutMs: number;
  /** Back-off after an error: starts here, doubles per attempt… */
  readonly backoffMsMin: number;
  /** …up to this. */
  readonly backoffMsMax: number;
  /** Pause between two operations. */
  readonly thinkMs: number;
}

interface Current {
  readonly op: KvOp;
  readonly seq: number;
  readonly handle: number;
  readonly startedAt: number;
  readonly firstMsgId: number;
  attempts: number;
  /** Some attempt may have reached a leader that appended it: a give-up must be `info`, not `fail`. */
  mayHaveApplied: boolean;
}

/**
 * A key-value client as a `ProtocolNode`, so it runs in any host next to the
 * servers. It runs one operation at a time under one session (its node id,
 * with sequence numbers from 1), follows `leader` hints, retries the same
 * sequence number with exponential back-off so the state machine applies a
 * write at most once, and records every operation in the history: in the
 * `recorder` when given, and always as events (`kvCall` with process, f, key,
 * input; `kvReturn` with process, status, output) for hosts that collect them.
 * A restarted client draws a new session id, so it never reuses sequence
 * numbers of a session the cluster already saw.
 */
export class RaftClient implements ProtocolNode<RaftMessage, string> {
  private env!: Env<RaftMessage, string>;
  private seq = 0;
  private msgId = 0;
  private target = 0;
  private current: Current | undefined;
  private done = false;
  private sessionId = 0;

  constructor(
    readonly id: NodeId,
    private readonly options: RaftClientOptions,
  ) {
    assert(options.servers.length > 0, "client: no servers");
  }

  start(env: Env<RaftMessage, string>, _recovered: boolean): void {
    this.env = env;
    this.sessionId = this.id * 1_000_000 + Math.floor(env.random() * 1_000_000);
    this.target = Math.floor(env.random() * this.options.servers.length);
    env.setTimer(this.options.thinkMs, "next");
  }

  /** True when the client has run all its operations. */
  finished(): boolean {
    return this.done;
  }

  onTimer(tag: string): void {
    if (tag === "next") {
      this.startNext();
      return;
    }
    const c = this.current;
    if (c === undefined) return;
    if (tag === `timeout:${this.msgId}`) {
      // No answer: it may have reached a leader. Try the next server.
      if (!isReadOp(c.op)) c.mayHaveApplied = true;
      this.target = (this.target + 1) % this.options.servers.length;
      this.attempt();
    } else if (tag === `retry:${this.msgId}`) {
      this.attempt();
    }
  }

  onMessage(from: NodeId, msg: RaftMessage): void {
    const c = this.current;
    if (c === undefined) return;
    if (msg.type === "kvOk") {
      if (msg.inReplyTo < c.firstMsgId || msg.inReplyTo > this.msgId) return;
      this.finish(this.outcome(c.op, msg.result), msg.result);
    } else if (msg.type === "error") {
      if (msg.inReplyTo !== this.msgId) return;
      if (!msg.definite && !isReadOp(c.op)) c.mayHaveApplied = true;
      const hinted =
        msg.leader !== null && msg.leader !== from ? this.options.servers.indexOf(msg.leader) : -1;
      this.target = hinted >= 0 ? hinted : (this.target + 1) % this.options.servers.length;
      const backoffMs = Math.min(
        this.options.backoffMsMax,
        this.options.backoffMsMin * 2 ** Math.min(c.attempts, 16),
      );
      this.msgId++; // the old attempt is over: its timeout must not fire a second retry
      this.env.setTimer(backoffMs * (0.5 + this.env.random() / 2), `retry:${this.msgId}`);
    }
  }

  private outcome(op: KvOp, result: KvResult): "ok" | "fail" {
    return op.op === "cas" && result.op === "cas" && !result.ok ? "fail" : "ok";
  }

  private startNext(): void {
    const op = this.options.nextOp(() => this.env.random(), this.seq + 1);
    if (op === undefined) {
      this.done = true;
      return;
    }
    this.seq++;
    const key = op.op === "range" ? undefined : op.key;
    const handle = this.options.recorder?.invoke(this.id, op.op, key, op, this.env.now()) ?? 0;
    this.env.emit({ type: "kvCall", process: this.id, f: op.op, key: key ?? null, input: op });
    this.current = {
      op,
      seq: this.seq,
      handle,
      startedAt: this.env.now(),
      firstMsgId: this.msgId + 1,
      attempts: 0,
      mayHaveApplied: false,
    };
    this.attempt();
  }

  private attempt(): void {
    const c = this.current;
    assert(c !== undefined, "client: attempt without an operation");
    if (this.env.now() - c.startedAt >= this.options.opTimeoutMs) {
      // A failed cas means "ran and found another value" to the checker, so a
      // cas given up is indeterminate even when no attempt reached a leader.
      this.finish(c.mayHaveApplied || c.op.op === "cas" ? "info" : "fail", undefined);
      return;
    }
    c.attempts++;
    this.msgId++;
    const to = this.options.servers[this.target] ?? this.options.servers[0] ?? 0;
    this.env.send(to, {
      type: "kv",
      msgId: this.msgId,
      clientId: this.sessionId,
      seq: c.seq,
      op: c.op,
    });
    this.env.setTimer(this.options.attemptTimeoutMs, `timeout:${this.msgId}`);
  }

  private finish(status: "ok" | "fail" | "info", result: KvResult | undefined): void {
    const c = this.current;
    assert(c !== undefined, "client: finish without an operation");
    this.options.recorder?.complete(c.handle, status, result, this.env.now());
    this.env.emit({ type: "kvReturn", process: this.id, status, output: result ?? null });
    this.current = undefined;
    this.msgId++; // ignore every late reply and timer of this operation
    this.env.setTimer(this.options.thinkMs, "next");
  }
}
