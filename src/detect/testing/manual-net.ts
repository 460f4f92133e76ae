import type { Env, NodeId, ProtocolEvent, ProtocolNode, TimerId } from "../../core/index.js";
import { assert, NO_METRICS, SILENT_LOGGER } from "../../core/index.js";
import { MemoryStorage } from "./memory-storage.js";

/** One message a node sent, as the test double recorded it. */
export interface SentRecord<M> {
  readonly atMs: number;
  /** Position among every record of the run (sends, deliveries, events), for ordering within one ms. */
  readonly order: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: M;
}

/** One event a node emitted. */
export interface EmittedRecord {
  readonly atMs: number;
  /** Position among every record of the run, as in `SentRecord`. */
  readonly order: number;
  readonly node: NodeId;
  readonly event: ProtocolEvent;
}

/** How a `ManualNet` is built. */
export interface ManualNetOptions<M, T> {
  readonly ids: readonly NodeId[];
  readonly create: (id: NodeId) => ProtocolNode<M, T>;
  /** Delay of every delivered message; default 1 ms. */
  readonly latencyMs?: number;
  /** When false, sends are only recorded; the test delivers them with `deliver`. Default true. */
  readonly autoDeliver?: boolean;
  /** Seeds `env.random()` and message loss. */
  readonly seed?: number;
  /** Run on every delivered message, as a host would; a problem fails the test. */
  readonly validate?: (msg: unknown) => string | undefined;
}

type Item<M, T> =
  | { atMs: number; seq: number; kind: "timer"; node: NodeId; id: TimerId; tag: T; epoch: number }
  | { atMs: number; seq: number; kind: "deliver"; from: NodeId; to: NodeId; msg: M };

/** A small seeded PRNG (mulberry32), so tests replay exactly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A hand-driven network of protocol nodes for unit tests: a virtual clock that
 * moves only when the test says so, a time-ordered queue of timers and
 * deliveries, crashes, cut links, partitions and seeded loss. Every send and
 * every emitted event is recorded. It is a test double, not the simulator.
 */
export class ManualNet<M, T = string> {
  nowMs = 0;
  /** Probability that a message between connected live nodes is dropped. */
  lossRate = 0;
  readonly sent: SentRecord<M>[] = [];
  /** Messages handed to a running node, with the time they arrived. */
  readonly delivered: SentRecord<M>[] = [];
  readonly events: EmittedRecord[] = [];
  readonly nodes = new Map<NodeId, ProtocolNode<M, T>>();
  private readonly queue: Item<M, T>[] = [];
  private readonly epochs = new Map<NodeId, number>();
  private readonly storages = new Map<NodeId, MemoryStorage>();
  private readonly cancelled = new Set<TimerId>();
  private readonly blocked = new Set<string>();
  private readonly random: () => number;
  private seq = 0;
  private order = 0;
  private nextTimerId = 1;

  constructor(private readonly options: ManualNetOptions<M, T>) {
    this.random = mulberry32(options.seed ?? 1);
  }

  /** Starts every node (or the given ones) at the current time. */
  startAll(ids: readonly NodeId[] = this.options.ids): void {
    for (const id of ids) this.start(id, false);
  }

  /** Builds and starts node `id`; `recovered` as after a crash-restart. */
  start(id: NodeId, recovered: boolean): ProtocolNode<M, T> {
    assert(!this.nodes.has(id), () => `manual-net: n${id} is already running`);
    const epoch = (this.epochs.get(id) ?? 0) + 1;
    this.epochs.set(id, epoch);
    const old = this.storages.get(id);
    const storage = old === undefined ? new MemoryStorage() : old.afterCrash();
    this.storages.set(id, storage);
    const node = this.options.create(id);
    this.nodes.set(id, node);
    node.start(this.envFor(id, epoch, storage), recovered);
    return node;
  }

  /** Halts `id` silently: its timers and inbound messages vanish. */
  crash(id: NodeId): void {
    assert(this.nodes.delete(id), () => `manual-net: n${id} is not running`);
    this.epochs.set(id, (this.epochs.get(id) ?? 0) + 1);
  }

  /** Crashes `id` and starts it again with what it synced. */
  restart(id: NodeId): void {
    if (this.nodes.has(id)) this.crash(id);
    this.start(id, true);
  }

  /** Cuts the link between `a` and `b` in both directions. */
  cut(a: NodeId, b: NodeId): void {
    this.blocked.add(`${a}>${b}`);
    this.blocked.add(`${b}>${a}`);
  }

  /** Drops every message from `from` to `to` (one direction only). */
  cutOneWay(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Cuts every link between different groups. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (const g of groups) {
      for (const h of groups) {
        if (g === h) continue;
        for (const a of g) for (const b of h) this.blocked.add(`${a}>${b}`);
      }
    }
  }

  /** Restores every link. */
  heal(): void {
    this.blocked.clear();
  }

  /** The running node `id`, typed as the caller expects. */
  node<N extends ProtocolNode<M, T>>(id: NodeId): N {
    const node = this.nodes.get(id);
    assert(node !== undefined, () => `manual-net: n${id} is not running`);
    return node as N;
  }

  /** Delivers `msg` from `from` to `to` now, bypassing the queue (for hand-driven tests). */
  deliver(from: NodeId, to: NodeId, msg: M): void {
    const node = this.nodes.get(to);
    if (node === undefined) return;
    const problem = this.options.validate?.(msg);
    assert(problem === undefined, () => `manual-net: invalid message to n${to}: ${problem}`);
    this.delivered.push({ atMs: this.nowMs, order: this.order++, from, to, msg });
    node.onMessage(from, structuredClone(msg));
  }

  /** Runs every queued timer and delivery due within `ms`, in time order, then sets the clock. */
  advance(ms: number): void {
    this.runUntil(this.nowMs + ms);
  }

  /** Runs every queued item due at or before `untilMs`, in time order. */
  runUntil(untilMs: number): void {
    assert(
      untilMs >= this.nowMs,
      () => `manual-net: time goes forward (${untilMs} < ${this.nowMs})`,
    );
    for (let steps = 0; ; steps++) {
      assert(steps < 10_000_000, "manual-net: more than 10M steps in one advance");
      const item = this.queue[0];
      if (item === undefined || item.atMs > untilMs) break;
      this.queue.shift();
      this.nowMs = Math.max(this.nowMs, item.atMs);
      this.fire(item);
    }
    this.nowMs = untilMs;
  }

  /** Events emitted so far, optionally of one type, as `[atMs, node, event]` lines for golden tests. */
  eventLines(type?: string): string[] {
    return this.events
      .filter((e) => type === undefined || e.event.type === type)
      .map((e) => `${e.atMs} n${e.node} ${JSON.stringify(e.event)}`);
  }

  private fire(item: Item<M, T>): void {
    if (item.kind === "timer") {
      if (this.cancelled.delete(item.id)) return;
      if (this.epochs.get(item.node) !== item.epoch) return;
      this.nodes.get(item.node)?.onTimer(item.tag);
      return;
    }
    this.deliver(item.from, item.to, item.msg);
  }

  private push(item: Item<M, T>): void {
    let i = this.queue.length;
    while (i > 0) {
      const prev = this.queue[i - 1]!;
      if (prev.atMs < item.atMs || (prev.atMs === item.atMs && prev.seq < item.seq)) break;
      i--;
    }
    this.queue.splice(i, 0, item);
  }

  private send(from: NodeId, to: NodeId, msg: M): void {
    this.sent.push({ atMs: this.nowMs, order: this.order++, from, to, msg });
    if (this.options.autoDeliver === false) return;
    if (this.blocked.has(`${from}>${to}`)) return;
    if (this.lossRate > 0 && this.random() < this.lossRate) return;
    const atMs = this.nowMs + (this.options.latencyMs ?? 1);
    this.push({ atMs, seq: this.seq++, kind: "deliver", from, to, msg });
  }

  private envFor(self: NodeId, epoch: number, storage: MemoryStorage): Env<M, T> {
    const alive = () => this.epochs.get(self) === epoch;
    return {
      self,
      cluster: [...this.options.ids].sort((a, b) => a - b),
      now: () => this.nowMs,
      send: (to, msg) => {
        if (alive()) this.send(self, to, msg);
      },
      setTimer: (afterMs, tag) => {
        assert(afterMs >= 0, () => `manual-net: n${self} set a timer ${afterMs} ms in the past`);
        const id = this.nextTimerId++;
        const atMs = this.nowMs + afterMs;
        this.push({ atMs, seq: this.seq++, kind: "timer", node: self, id, tag, epoch });
        return id;
      },
      cancelTimer: (id) => {
        if (this.queue.some((q) => q.kind === "timer" && q.id === id)) this.cancelled.add(id);
      },
      random: this.random,
      buggify: () => false,
      storage,
      emit: (event) => {
        if (alive()) this.events.push({ atMs: this.nowMs, order: this.order++, node: self, event });
      },
      log: SILENT_LOGGER,
      metrics: NO_METRICS,
    };
  }
}
