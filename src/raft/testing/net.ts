import { assert } from "../../core/assert.js";
import type { Env } from "../../core/env.js";
import type { NodeId, TimerId } from "../../core/ids.js";
import { NO_METRICS, type ProtocolEvent, SILENT_LOGGER } from "../../core/observe.js";
import type { ProtocolNode } from "../../core/protocol.js";
import { checkRaftConfig, RAFT_DEFAULTS, type RaftConfig } from "../config.js";
import { RaftLog } from "../log.js";
import { type RaftMessage, raftMessageProblem } from "../messages.js";
import { RaftNode, type RaftView } from "../node.js";
import { formatMessage } from "./format.js";
import { InvariantChecker } from "./invariants.js";
import { MemoryStorage } from "./memory-storage.js";
import { makePrng } from "./prng.js";

/** A message on the wire. `at` is when it may be delivered (randomized runs). */
export interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: RaftMessage;
  readonly at: number;
}

interface Timer {
  readonly id: TimerId;
  readonly at: number;
  readonly tag: string;
}

interface Slot {
  readonly id: NodeId;
  readonly make: () => ProtocolNode<RaftMessage, string>;
  node: ProtocolNode<RaftMessage, string> | undefined;
  readonly storage: MemoryStorage;
  timers: Timer[];
  clockMs: number;
  incarnation: number;
}

/** Options of a test network. */
export interface TestNetOptions {
  /** Raft node ids; the cluster. */
  readonly ids: readonly NodeId[];
  readonly config?: Partial<RaftConfig>;
  /** Per-node config overrides (e.g. one broken node). */
  readonly configOf?: (id: NodeId) => Partial<RaftConfig>;
  /** Ids (among `ids`) that are learners: they replicate but never vote. */
  readonly learners?: readonly NodeId[];
  /** The initial configuration's servers (default: every id); the others start as spares, to be added by membership changes. */
  readonly members?: readonly NodeId[];
  readonly seed?: number;
  /** Record a human-readable trace (golden files, failure reports). */
  readonly trace?: boolean;
}

/**
 * A tiny deterministic network to step Raft by hand, in the style of etcd's
 * raft interaction tests: messages wait in a queue until the test delivers or
 * drops them; each node's clock moves only when the test ticks it; a crash
 * loses the node's unsynced storage and its pending timers. Every delivered
 * message first passes the protocol's `validate`, every send asserts the
 * sender's storage is synced, and the cross-node invariants are checked after
 * every step.
 */
export class TestNet {
  readonly ids: readonly NodeId[];
  readonly config: RaftConfig;
  readonly invariants = new InvariantChecker();
  readonly trace: string[] = [];
  queue: Envelope[] = [];
  /** Messages to nodes outside the network (clients the test plays by hand). */
  outside: Envelope[] = [];
  /** Directed links that drop everything: "a>b". */
  private readonly cut = new Set<string>();
  private readonly slots = new Map<NodeId, Slot>();
  private readonly tracing: boolean;
  private readonly seed: number;
  private nextTimerId = 1;
  /** Global time for randomized runs, ms. */
  nowMs = 0;
  messagesSent = 0;
  messagesDelivered = 0;

  constructor(options: TestNetOptions) {
    this.ids = [...options.ids].sort((a, b) => a - b);
    this.config = { ...RAFT_DEFAULTS, ...options.config };
    const problem = checkRaftConfig(this.config);
    assert(problem === undefined, () => `net: config: ${problem}`);
    this.tracing = options.trace ?? false;
    this.seed = options.seed ?? 1;
    for (const id of this.ids) {
      const config = { ...this.config, ...options.configOf?.(id) };
      const members = options.members ?? this.ids;
      this.addSlot(id, () => new RaftNode(id, config, members, options.learners ?? []));
    }
  }

  /**
   * Writes a durable term, vote and log into node `id`'s storage before it
   * starts, to set up the paper's figures: `terms[i]` is the term of entry i+1
   * (entries carry no command).
   */
  preload(id: NodeId, term: number, vote: NodeId | null, terms: readonly number[]): void {
    const slot = this.slot(id);
    assert(slot.node === undefined, `net: preload n${id} before it starts`);
    const log = new RaftLog(slot.storage);
    log.load();
    log.truncateFrom(1);
    log.saveHardState(term, vote);
    for (const [i, entryTerm] of terms.entries())
      log.append({ term: entryTerm, index: i + 1, data: null });
    log.sync();
  }

  /** Starts every node added so far that is not running. */
  startAll(): void {
    for (const slot of this.slots.values()) if (slot.node === undefined) this.boot(slot, false);
    this.check();
  }

  /** Adds and starts a non-Raft node (a client) that talks to the cluster over this network. */
  addClient(id: NodeId, make: () => ProtocolNode<RaftMessage, string>): void {
    assert(!this.slots.has(id), `net: node ${id} exists`);
    const slot = this.addSlot(id, make);
    this.boot(slot, false);
  }

  /** The Raft node `id`, or undefined when crashed. */
  raft(id: NodeId): RaftNode | undefined {
    const node = this.slots.get(id)?.node;
    return node instanceof RaftNode ? node : undefined;
  }

  /** Views of every running Raft node. */
  views(): RaftView[] {
    const out: RaftView[] = [];
    for (const id of this.ids) {
      const node = this.raft(id);
      if (node !== undefined) out.push(node.inspect());
    }
    return out;
  }

  /** The running leader with the highest term, if any. */
  leader(): RaftView | undefined {
    let best: RaftView | undefined;
    for (const v of this.views())
      if (v.role === "leader" && (best === undefined || v.term > best.term)) best = v;
    return best;
  }

  storageOf(id: NodeId): MemoryStorage {
    return this.slot(id).storage;
  }

  // ---- steps ----------------------------------------------------------------

  /** Delivers the queued messages matching `filter` (all by default), in queue order; returns how many. */
  deliver(filter: (e: Envelope) => boolean = () => true): number {
    const now = this.queue.filter(filter);
    this.queue = this.queue.filter((e) => !filter(e));
    for (const e of now) this.deliverOne(e);
    return now.length;
  }

  /** Drops the queued messages matching `filter`; returns how many. */
  drop(filter: (e: Envelope) => boolean = () => true): number {
    const dropped = this.queue.filter(filter);
    this.queue = this.queue.filter((e) => !filter(e));
    for (const e of dropped) this.note(`drop ${formatEnvelope(e)}`);
    return dropped.length;
  }

  /** Delivers until no message is queued, at most `roundsMax` rounds. */
  stabilize(roundsMax = 100): void {
    for (let round = 0; round < roundsMax && this.queue.length > 0; round++) this.deliver();
    assert(this.queue.length === 0, `net: not stable after ${roundsMax} rounds`);
  }

  /** Advances node `id`'s clock by `ticks` ticks, firing its due timers. */
  tick(id: NodeId, ticks = 1): void {
    const slot = this.slot(id);
    for (let i = 0; i < ticks; i++) this.advance(slot, slot.clockMs + this.config.tickMs);
  }

  /** Advances every running node's clock to `nowMs + ms` (randomized runs keep clocks in step). */
  advanceAll(ms: number): void {
    this.nowMs += ms;
    for (const slot of this.slots.values()) this.advance(slot, this.nowMs);
  }

  /** Asks node `id` to campaign now. */
  campaign(id: NodeId): void {
    const node = this.raft(id);
    assert(node !== undefined, `net: n${id} is not running`);
    this.note(`n${id} campaigns`);
    node.campaign();
    this.check();
  }

  /** Sends `msg` to `to` as if from `from` (a client the test plays). */
  inject(from: NodeId, to: NodeId, msg: RaftMessage): void {
    this.enqueue(from, to, msg);
  }

  /** Stops node `id` at once: pending timers and unsynced writes are lost; queued messages stay on the wire. */
  crash(id: NodeId): void {
    const slot = this.slot(id);
    slot.node = undefined;
    slot.timers = [];
    slot.storage.crash();
    this.note(`n${id} crashes`);
    this.check();
  }

  /** Restarts a crashed node from its synced storage. */
  restart(id: NodeId): void {
    const slot = this.slot(id);
    assert(slot.node === undefined, `net: n${id} is running`);
    this.note(`n${id} restarts`);
    this.boot(slot, true);
    this.check();
  }

  isUp(id: NodeId): boolean {
    return this.slot(id).node !== undefined;
  }

  /** Cuts every link between nodes of different groups (both directions). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.cut.clear();
    for (const a of groups) {
      for (const b of groups) {
        if (a === b) continue;
        for (const x of a) for (const y of b) this.cut.add(`${x}>${y}`);
      }
    }
    this.note(`partition ${groups.map((g) => g.map((x) => `n${x}`).join(" ")).join(" | ")}`);
  }

  /** Cuts the link from `a` to `b` (one direction). */
  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}>${b}`);
  }

  /** Restores every link. */
  heal(): void {
    this.cut.clear();
    this.note("heal");
  }

  /** Checks the cross-node invariants now. */
  check(): void {
    this.invariants.check(this.views());
  }

  // ---- internals ------------------------------------------------------------

  private addSlot(id: NodeId, make: () => ProtocolNode<RaftMessage, string>): Slot {
    const slot: Slot = {
      id,
      make,
      node: undefined,
      storage: new MemoryStorage(),
      timers: [],
      clockMs: this.nowMs,
      incarnation: 0,
    };
    this.slots.set(id, slot);
    return slot;
  }

  private slot(id: NodeId): Slot {
    const slot = this.slots.get(id);
    assert(slot !== undefined, `net: no node ${id}`);
    return slot;
  }

  private boot(slot: Slot, recovered: boolean): void {
    slot.incarnation++;
    slot.clockMs = Math.max(slot.clockMs, this.nowMs);
    const node = slot.make();
    slot.node = node;
    node.start(this.envOf(slot, node), recovered);
  }

  private envOf(slot: Slot, node: ProtocolNode<RaftMessage, string>): Env<RaftMessage, string> {
    const random = makePrng(this.seed * 1_000_003 + slot.id * 7919 + slot.incarnation * 104_729);
    const alive = () => slot.node === node;
    return {
      self: slot.id,
      cluster: this.ids,
      now: () => slot.clockMs,
      send: (to, msg) => {
        assert(alive(), `net: n${slot.id} sent after it crashed`);
        assert(
          !slot.storage.unsynced(),
          () => `net: n${slot.id} sent ${msg.type} with unsynced storage`,
        );
        this.enqueue(slot.id, to, msg);
      },
      setTimer: (afterMs, tag) => {
        assert(afterMs >= 0, `net: timer in ${afterMs} ms`);
        const id = this.nextTimerId++;
        if (alive()) slot.timers.push({ id, at: slot.clockMs + afterMs, tag });
        return id;
      },
      cancelTimer: (id) => {
        slot.timers = slot.timers.filter((t) => t.id !== id);
      },
      random,
      buggify: () => false,
      storage: slot.storage,
      emit: (event: ProtocolEvent) => {
        if (this.tracing && event.type === "raftRole") {
          this.note(
            `n${String(event.node)} becomes ${String(event.role)} term=${String(event.term)}`,
          );
        }
      },
      log: SILENT_LOGGER,
      metrics: NO_METRICS,
    };
  }

  private enqueue(from: NodeId, to: NodeId, msg: RaftMessage): void {
    this.messagesSent++;
    if (this.cut.has(`${from}>${to}`)) {
      this.note(`cut ${formatEnvelope({ from, to, msg, at: 0 })}`);
      return;
    }
    if (!this.slots.has(to)) {
      // Addressed to someone the test plays (a hand-driven client): keep it for the test to read.
      this.outside.push({ from, to, msg, at: this.nowMs });
      if (this.tracing) this.note(`${formatEnvelope({ from, to, msg, at: this.nowMs })}`);
      return;
    }
    this.queue.push({ from, to, msg, at: this.nowMs });
  }

  /** Takes the messages sent to `to`, a node the test plays, oldest first. */
  takeOutside(to: NodeId): Envelope[] {
    const mine = this.outside.filter((e) => e.to === to);
    this.outside = this.outside.filter((e) => e.to !== to);
    return mine;
  }

  /** Delivers one envelope now (tests use `deliver`; randomized runs pick their own order). */
  deliverOne(e: Envelope): void {
    const slot = this.slots.get(e.to);
    if (slot?.node === undefined) {
      this.note(`lost ${formatEnvelope(e)} (n${e.to} is down)`);
      return;
    }
    // The wire copies: no two nodes ever share a mutable object.
    const msg = structuredClone(e.msg);
    const problem = raftMessageProblem(msg, this.config);
    assert(problem === undefined, () => `net: invalid message ${formatEnvelope(e)}: ${problem}`);
    this.messagesDelivered++;
    if (this.tracing) this.note(formatEnvelope(e));
    slot.node.onMessage(e.from, msg);
    this.check();
  }

  private advance(slot: Slot, untilMs: number): void {
    for (let fired = 0; fired < 10_000; fired++) {
      const node = slot.node;
      if (node === undefined) break;
      let next: Timer | undefined;
      for (const t of slot.timers)
        if (
          t.at <= untilMs &&
          (next === undefined || t.at < next.at || (t.at === next.at && t.id < next.id))
        )
          next = t;
      if (next === undefined) break;
      const due = next;
      slot.timers = slot.timers.filter((t) => t !== due);
      slot.clockMs = Math.max(slot.clockMs, due.at);
      node.onTimer(due.tag);
      this.check();
    }
    slot.clockMs = Math.max(slot.clockMs, untilMs);
  }

  private note(line: string): void {
    if (this.tracing) this.trace.push(line);
  }
}

function formatEnvelope(e: Envelope): string {
  return `n${e.from}->n${e.to} ${formatMessage(e.msg)}`;
}
