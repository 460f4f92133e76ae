import { adaptEnv } from "../core/env-wrap.js";
import {
  assert,
  checkTagged,
  describeValue,
  type Env,
  type NodeId,
  type ProtocolNode,
  type TimerId,
} from "../core/index.js";
import {
  checkRaftConfig,
  type Entry,
  RAFT_DEFAULTS,
  type RaftConfig,
  type RaftMessage,
  RaftNode,
  raftMessageProblem,
} from "../raft/index.js";
import { type DataMessage, messageId } from "./messages.js";

/** A Raft message between the replicas that order the broadcasts. */
export interface RaftBroadcastMessage {
  readonly type: "raft";
  readonly msg: RaftMessage;
}

/** Timer tags: the replica's tick, the scripted load, a proposal's retry. */
export type RaftBroadcastTimer = "raft:tick" | "work" | "attempt";

/** How a Raft-backed broadcast node behaves. */
export interface RaftBroadcastConfig {
  /** The Raft replica (log compaction is off: `snapshotEntries` is forced to its maximum). */
  readonly raft: RaftConfig;
  /** A proposal without an answer after this long is sent again, to the next node if no leader is known. */
  readonly attemptMs: number;
  /** Scripted load: each node broadcasts about every this many ms (jittered ×0.5–1.5); 0 = only on request. */
  readonly workEveryMs: number;
  /** Scripted load stops once the node's clock reads this. */
  readonly workUntilMs: number;
}

/** Raft's defaults, 300 ms between attempts, no scripted load. */
export const RAFT_BROADCAST_DEFAULTS: RaftBroadcastConfig = {
  raft: RAFT_DEFAULTS,
  attemptMs: 300,
  workEveryMs: 0,
  workUntilMs: 0,
};

/** The first problem of a configuration as `field: expected …, got …`, or undefined. */
export function checkRaftBroadcastConfig(c: RaftBroadcastConfig): string | undefined {
  if (typeof c.raft !== "object" || c.raft === null) {
    return `raft: expected Raft settings, got ${describeValue(c.raft)}`;
  }
  const raft = checkRaftConfig(c.raft);
  if (raft !== undefined) return `raft.${raft}`;
  for (const field of ["attemptMs", "workEveryMs", "workUntilMs"] as const) {
    const v = c[field];
    const ok =
      typeof v === "number" && Number.isFinite(v) && (field === "attemptMs" ? v > 0 : v >= 0);
    if (!ok)
      return `${field}: expected a number ${field === "attemptMs" ? "> 0" : ">= 0"}, got ${describeValue(v)}`;
  }
  return undefined;
}

/** Checks a message from the wire: why it is not a well-formed `RaftBroadcastMessage`, or undefined. */
export function validateRaftBroadcast(msg: unknown): string | undefined {
  const tag = checkTagged(msg, ["raft"]);
  if (tag !== undefined) return tag;
  const inner = raftMessageProblem((msg as { msg?: unknown }).msg, RAFT_DEFAULTS);
  return inner === undefined ? undefined : `msg: ${inner}`;
}

/** Storage key of the last sequence number this node used. */
const SEQ_KEY = "rbcast/seq";
/** Storage key of the last log index this node delivered. */
const DELIVERED_KEY = "rbcast/delivered";
/** Key prefix of a broadcast in the replicated map: `b/<origin>.<seq>`. */
const KEY_PREFIX = "b/";
const KEY_PATTERN = /^b\/(\d{1,15})\.(\d{1,15})$/;

/** A Raft replica that reports each committed entry, in log order, before applying it. */
class OrderingReplica extends RaftNode {
  onCommitted: (index: number, entry: Entry) => void = () => {};

  protected override applyCommitted(): void {
    for (let i = this.appliedIndex + 1; i <= this.commitIndex; i++) {
      this.onCommitted(i, this.log.entry(i));
    }
    super.applyCommitted();
  }
}

/**
 * Total-order broadcast whose order is a Raft log (`src/raft`): to broadcast,
 * a node proposes `put b/<origin>.<seq> = body` to the leader (one proposal
 * at a time, under a session of its own so a retry is applied once; it
 * follows the leader hints in refusals and retries after `attemptMs`); every
 * node delivers the messages of committed entries in log order, each once.
 *
 * Guarantees: the order is Raft's committed log, so every node delivers the
 * same sequence (uniform total order, a crashed node's deliveries included),
 * under loss, delay, duplication and partitions; while a majority is up and
 * connected every message a live node broadcast is delivered everywhere.
 * Crash-recovery: the replica keeps its log and vote (Raft's persistence);
 * this node syncs its sequence counter before using a number and the last
 * log index it delivered before delivering, so a restarted node never reuses
 * a sequence number nor delivers twice, and catches up from the log. Its
 * broadcasts not yet committed when it crashed are lost.
 *
 * Emits `{type:"broadcast", id, origin, body}` and `{type:"deliver", id, origin, body}`.
 */
export class RaftBroadcastNode implements ProtocolNode<RaftBroadcastMessage, RaftBroadcastTimer> {
  readonly config: RaftBroadcastConfig;
  #env!: Env<RaftBroadcastMessage, RaftBroadcastTimer>;
  #replica!: OrderingReplica;
  #mySeq = 0;
  #workSeq = 0;
  #deliveredIndex = 0;
  #deliveredCount = 0;
  readonly #delivered = new Set<string>();
  /** Own broadcasts not yet known committed, oldest first. */
  readonly #queue: DataMessage[] = [];
  #session = 0;
  #sessionSeq = 0;
  #msgId = 0;
  /** The proposal in flight: the broadcast it carries, its session seq and every message id it was sent under. */
  #inFlight: { msgSeq: number; seq: number; msgIds: Set<number>; timer: TimerId } | undefined;
  #target: NodeId = 0;
  /** Replies this node's replica addressed to itself, handled once the replica returns. */
  readonly #inbox: RaftMessage[] = [];

  constructor(config: RaftBroadcastConfig) {
    this.config = config;
  }

  start(env: Env<RaftBroadcastMessage, RaftBroadcastTimer>, recovered: boolean): void {
    this.#env = env;
    const seq = env.storage.get(SEQ_KEY);
    const delivered = env.storage.get(DELIVERED_KEY);
    if (recovered) {
      this.#mySeq = typeof seq === "number" && Number.isSafeInteger(seq) ? seq : 0;
      this.#deliveredIndex =
        typeof delivered === "number" && Number.isSafeInteger(delivered) ? delivered : 0;
    }
    this.#session = env.self * 1_000_000 + Math.floor(env.random() * 1_000_000);
    this.#target = env.cluster[Math.floor(env.random() * env.cluster.length)] ?? env.self;
    const raft = { ...this.config.raft, snapshotEntries: Number.MAX_SAFE_INTEGER };
    this.#replica = new OrderingReplica(env.self, raft);
    this.#replica.onCommitted = (index, entry) => this.#committed(index, entry);
    this.#replica.start(this.#replicaEnv(), recovered);
    this.#drainInbox();
    if (this.config.workEveryMs > 0) env.setTimer(this.#nextWorkMs(), "work");
  }

  /** How many messages this node delivered. */
  get deliveredCount(): number {
    return this.#deliveredCount;
  }

  /**
   * Broadcasts `body` (this node included) and returns its id. Throws a
   * `RangeError` for a body longer than the replicated map accepts.
   */
  broadcast(body: string): string {
    if (body.length > this.config.raft.valueLengthMax) {
      throw new RangeError(
        `body: expected at most ${this.config.raft.valueLengthMax} characters, got ${body.length}`,
      );
    }
    const seq = ++this.#mySeq;
    this.#env.storage.put(SEQ_KEY, seq);
    this.#env.storage.sync();
    const id = messageId(this.#env.self, seq);
    this.#env.emit({ type: "broadcast", id, origin: this.#env.self, body });
    this.#queue.push({ type: "data", origin: this.#env.self, seq, body, vc: [] });
    this.#pump();
    return id;
  }

  onMessage(from: NodeId, msg: RaftBroadcastMessage): void {
    if (!this.#env.cluster.includes(from)) return;
    const inner = msg.msg;
    if (inner.type === "kvOk" || inner.type === "error") this.#onReply(inner);
    else this.#replica.onMessage(from, inner);
    this.#drainInbox();
  }

  onTimer(tag: RaftBroadcastTimer): void {
    if (tag === "raft:tick") this.#replica.onTimer("tick");
    else if (tag === "attempt") this.#retry(true);
    else if (this.#env.now() < this.config.workUntilMs) {
      this.broadcast(`n${this.#env.self}#${++this.#workSeq}`);
      this.#env.setTimer(this.#nextWorkMs(), "work");
    }
    this.#drainInbox();
  }

  #nextWorkMs(): number {
    return this.config.workEveryMs * (0.5 + this.#env.random());
  }

  /** A committed entry, in log order: deliver the broadcast it carries, once. */
  #committed(index: number, entry: Entry): void {
    const data = entry.data;
    if (data === null || !("op" in data) || data.op.op !== "put") return;
    const match = KEY_PATTERN.exec(data.op.key);
    if (match === null) return;
    const origin = Number(match[1]);
    const seq = Number(match[2]);
    const id = messageId(origin, seq);
    if (index <= this.#deliveredIndex) {
      this.#delivered.add(id); // delivered before a restart
      return;
    }
    this.#env.storage.put(DELIVERED_KEY, index);
    this.#env.storage.sync();
    this.#deliveredIndex = index;
    if (origin === this.#env.self) this.#committedOwn(seq);
    if (this.#delivered.has(id)) return; // a retry that was appended twice
    this.#delivered.add(id);
    this.#deliveredCount++;
    this.#env.emit({ type: "deliver", id, origin, body: data.op.value });
  }

  /** One of this node's broadcasts is committed: it no longer needs proposing. */
  #committedOwn(seq: number): void {
    const at = this.#queue.findIndex((m) => m.seq === seq);
    if (at >= 0) this.#queue.splice(at, 1);
  }

  /** Proposes the oldest own broadcast not yet committed, if none is in flight. */
  #pump(): void {
    const m = this.#queue[0];
    if (this.#inFlight !== undefined || m === undefined) return;
    const timer = this.#env.setTimer(this.config.attemptMs, "attempt");
    this.#inFlight = { msgSeq: m.seq, seq: ++this.#sessionSeq, msgIds: new Set(), timer };
    this.#send();
  }

  /** The proposal in flight is done (answered, or its broadcast seen committed): propose the next. */
  #finish(): void {
    const f = this.#inFlight;
    if (f === undefined) return;
    this.#env.cancelTimer(f.timer);
    this.#inFlight = undefined;
    this.#committedOwn(f.msgSeq);
    this.#pump();
  }

  #send(): void {
    const f = this.#inFlight;
    if (f === undefined) return;
    const m = this.#queue.find((q) => q.seq === f.msgSeq);
    if (m === undefined) {
      this.#finish(); // committed meanwhile (seen in the log)
      return;
    }
    const msgId = ++this.#msgId;
    f.msgIds.add(msgId);
    const kv: RaftMessage = {
      type: "kv",
      msgId,
      clientId: this.#session,
      seq: f.seq,
      op: { op: "put", key: `${KEY_PREFIX}${m.origin}.${m.seq}`, value: m.body },
    };
    if (this.#target === this.#env.self) this.#replica.onMessage(this.#env.self, kv);
    else this.#env.send(this.#target, { type: "raft", msg: kv });
  }

  /** Sends the proposal in flight again (to the next node when `rotate`), with a fresh timer. */
  #retry(rotate: boolean): void {
    const f = this.#inFlight;
    if (f === undefined) return;
    if (rotate) {
      const n = this.#env.cluster.length;
      const at = this.#env.cluster.indexOf(this.#target);
      this.#target = this.#env.cluster[(at + 1) % n] ?? this.#env.self;
    }
    this.#env.cancelTimer(f.timer);
    f.timer = this.#env.setTimer(this.config.attemptMs, "attempt");
    this.#send();
  }

  #onReply(reply: Extract<RaftMessage, { type: "kvOk" | "error" }>): void {
    const f = this.#inFlight;
    if (f === undefined || !f.msgIds.has(reply.inReplyTo)) return;
    if (reply.type === "kvOk") {
      // Committed: delivery (in log order) may not have reached it here yet; it will.
      this.#finish();
      return;
    }
    if (reply.leader !== null && reply.leader !== this.#target) {
      this.#target = reply.leader;
      this.#retry(false);
    }
    // Otherwise wait for the attempt timer: no leader known yet, or the outcome is unknown.
  }

  #drainInbox(): void {
    while (this.#inbox.length > 0) {
      const msg = this.#inbox.shift();
      assert(msg !== undefined, "inbox");
      if (msg.type === "kvOk" || msg.type === "error") this.#onReply(msg);
    }
  }

  /** The replica's view of the world: its messages wrapped, its tick prefixed, replies to itself kept for later. */
  #replicaEnv(): Env<RaftMessage, "tick"> {
    const env = this.#env;
    return adaptEnv(env, {
      send: (to, msg: RaftMessage) => {
        if (to === env.self) this.#inbox.push(msg);
        else env.send(to, { type: "raft", msg });
      },
      setTimer: (afterMs) => env.setTimer(afterMs, "raft:tick"),
      emit: () => {},
    });
  }
}
