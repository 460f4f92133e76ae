import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { ProtocolNode } from "../core/protocol.js";
import { isReadOp, type KvOp, type KvResult } from "./kv.js";
import { ERROR, type RaftMessage } from "./messages.js";
import type { HistoryRecorder } from "./recorder.js";

/** How a simulated client behaves. */
export interface RaftClientOptions {
  /** The Raft servers it may talk to. */
  readonly servers: readonly NodeId[];
  /** The next operation to run (`seq` counts this client's operations from 1), or undefined when the client is done. */
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
  /** The session's sequence number of this command (0 for a registration). */
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
 * servers. It first registers a session through the log (thesis §6.3: the
 * session's id is the index of the registration entry), then runs one
 * operation at a time under it with sequence numbers from 2, follows `leader`
 * hints, and retries the same sequence number with exponential back-off, so
 * the state machine applies a write at most once. When the cluster answers
 * that the session expired (evicted), the operation is recorded as
 * indeterminate (`info`: an earlier attempt may have been applied) and the
 * client registers a new session before its next operation; it never retries
 * a command under another session, which could apply it twice.
 *
 * Every operation is recorded in the history: in the `recorder` when given,
 * and always as events (`kvCall` with process, f, key, input; `kvReturn` with
 * process, status, output) for hosts that collect them. Registrations are not
 * operations of the history; they, and expiries, are emitted as `kvSession`
 * events (process, what: registered or expired, clientId). A restarted client
 * registers anew.
 */
export class RaftClient implements ProtocolNode<RaftMessage, string> {
  private env!: Env<RaftMessage, string>;
  /** Operations drawn from `nextOp` so far. */
  private opCount = 0;
  /** The sequence number of the session's latest command (the registration is 1). */
  private seq = 0;
  private msgId = 0;
  private target = 0;
  private current: Current | undefined;
  private done = false;
  /** The registered session, or undefined until the cluster answered a registration. */
  private sessionId: number | undefined;
  /** Sessions this incarnation registered. */
  sessionsRegistered = 0;
  /** Sessions the cluster reported expired to this incarnation (each ended an operation as `info`). */
  sessionsExpired = 0;

  constructor(
    readonly id: NodeId,
    private readonly options: RaftClientOptions,
  ) {
    assert(options.servers.length > 0, "client: no servers");
  }

  start(env: Env<RaftMessage, string>, _recovered: boolean): void {
    this.env = env;
    this.target = Math.floor(env.random() * this.options.servers.length);
    env.setTimer(this.options.thinkMs, "next");
  }

  /** True when the client has run all its operations. */
  finished(): boolean {
    return this.done;
  }

  onTimer(tag: string): void {
    if (tag === "next") {
      if (this.sessionId === undefined) this.startRegister();
      else this.startNext();
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
      if (c.op.op !== "register") this.finish(this.outcome(c.op, msg.result), msg.result);
      else if (msg.result.op === "register") this.registered(msg.result.clientId);
      else
        this.env.log.warn("client: a registration answered with another result; ignored", { from });
    } else if (msg.type === "error") {
      if (msg.inReplyTo !== this.msgId) return;
      if (msg.code === ERROR.sessionExpired && c.op.op !== "register") {
        this.expired();
        return;
      }
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

  /** Opens a session: a `register` command, retried like a write, recorded nowhere. */
  private startRegister(): void {
    this.current = {
      op: { op: "register" },
      seq: 0,
      handle: -1,
      startedAt: this.env.now(),
      firstMsgId: this.msgId + 1,
      attempts: 0,
      mayHaveApplied: false,
    };
    this.attempt();
  }

  private registered(clientId: number): void {
    this.sessionId = clientId;
    this.seq = 1;
    this.sessionsRegistered++;
    this.env.emit({ type: "kvSession", process: this.id, what: "registered", clientId });
    this.current = undefined;
    this.msgId++; // ignore late replies of this registration
    this.env.setTimer(0, "next");
  }

  /**
   * The session expired: this attempt was not applied, but an earlier one may
   * have been before the eviction, so the operation's outcome is unknown.
   */
  private expired(): void {
    this.sessionsExpired++;
    this.env.emit({
      type: "kvSession",
      process: this.id,
      what: "expired",
      clientId: this.sessionId,
    });
    this.sessionId = undefined;
    this.finish("info", undefined);
  }

  private startNext(): void {
    const op = this.options.nextOp(() => this.env.random(), this.opCount + 1);
    if (op === undefined) {
      this.done = true;
      return;
    }
    assert(op.op !== "register", "client: nextOp returned a register; sessions are the client's");
    this.opCount++;
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
    if (this.env.now() - c.startedAt >= this.options.opTimeoutMs && c.op.op === "register") {
      // Nothing to record: start over (a registration that did happen only adds a session).
      this.current = undefined;
      this.msgId++;
      this.env.setTimer(this.options.thinkMs, "next");
      return;
    }
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
      clientId: c.op.op === "register" ? 0 : (this.sessionId ?? 0),
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
