import {
  AssertionError,
  assert,
  CLEAN_RECOVERY,
  type DurableStorage,
  type HostNotice,
  type Logger,
  type Metrics,
  type NodeId,
  type ProtocolEvent,
  type ProtocolNode,
  type RecoveryReport,
  SILENT_LOGGER,
  type TimerId,
} from "../core/index.js";
import { corruptMessage } from "./corrupt.js";
import { type EnvHost, SimEnv } from "./env.js";
import { EventQueue, PENDING_EVENTS_MAX, SCHEDULED_EVENTS_MAX } from "./event-queue.js";
import { assertFault } from "./fault-check.js";
import { type CompiledLink, compileLink, networkProblem, sampleDelay } from "./link-model.js";
import { MessageFaults } from "./message-faults.js";
import { NodeClocks } from "./node-clocks.js";
import { nextFloat, Prng, seedStream } from "./prng.js";
import { RunMetrics } from "./run-metrics.js";
import { SimStorage } from "./storage.js";
import { TraceHash } from "./trace-hash.js";
import {
  DROP_REASONS,
  type DropReason,
  type EmittedEvent,
  FAULT_VERBS,
  type FaultHandle,
  type FaultRecord,
  type FaultSpec,
  type LogLine,
  type MetricsSnapshot,
  type NodeStatus,
  type RunCounters,
  type SimulationOptions,
  type StopReason,
  type StorageView,
  type TraceRecord,
  type Violation,
} from "./types.js";

/** The options of one nemesis verb: its `FaultSpec` without the `verb`. */
export type FaultOptions<V extends FaultSpec["verb"]> = Omit<
  Extract<FaultSpec, { verb: V }>,
  "verb"
>;

// Event kinds in the queue.
const K_DELIVER = 1;
const K_TIMER = 2;
const K_START = 3;
const K_NOTICE = 4;
const K_CALL = 5;
const K_CANCELLED = 6;

// How a delivered message came to be (slot `aux` of a delivery).
const COPY_NONE = 0;
const COPY_DUPLICATE = 1;
const COPY_REPLAY = 2;
const COPY_CORRUPT = 3;
const COPY_NAMES = [undefined, "duplicate", "replay", "corrupt"] as const;

// Trace event kinds, as hashed.
const T_SEND = 1;
const T_DELIVER = 2;
const T_DROP = 3;
const T_TIMER = 4;
const T_START = 5;
const T_CRASH = 6;
const T_NOTICE = 7;
const T_FAULT = 8;
const T_HEAL = 9;
const T_EMIT = 10;
const T_VIOLATION = 11;
const T_PAUSE = 12;
const T_RESUME = 13;
const T_SYNC = 14;

const R_LOSS = DROP_REASONS.indexOf("loss");
const R_CRASHED = DROP_REASONS.indexOf("crashed");
const R_BUFFER = DROP_REASONS.indexOf("buffer");
const R_CORRUPT = DROP_REASONS.indexOf("corrupt");
const R_INVALID = DROP_REASONS.indexOf("invalid");
const R_UNKNOWN = DROP_REASONS.indexOf("unknown-node");

// PRNG streams.
const STREAM_NETWORK = 0;
const STREAM_NEMESIS = 1;
const STREAM_BUGGIFY = 2;
const STREAM_NODES = 16;

/** How many recent messages the `replay` nemesis can pick from. */
const REPLAY_RING_SIZE = 256;
const RECEIVE_BUFFER_DEFAULT = 4096;
const EVENT_COUNT_MAX_DEFAULT = 1e9;
/** The queue can schedule 2^31 events per run and hold 2^22 pending: the event limit keeps a run inside that. */
const EVENT_COUNT_LIMIT = SCHEDULED_EVENTS_MAX - PENDING_EVENTS_MAX;
const NODE_COUNT_MAX = 1 << 21;
/** Invalid messages logged at most this many times per run (they are always counted). */
const INVALID_LOGGED_MAX = 100;

function optionsProblem<M, T>(o: SimulationOptions<M, T>): string | undefined {
  if (!Number.isSafeInteger(o.seed)) return `seed: expected an integer, got ${String(o.seed)}`;
  if (!Number.isSafeInteger(o.nodeCount) || o.nodeCount < 1 || o.nodeCount > NODE_COUNT_MAX) {
    return `nodeCount: expected an integer in 1..${NODE_COUNT_MAX}, got ${String(o.nodeCount)}`;
  }
  const cap = o.receiveBufferCapacity;
  if (cap !== undefined && !(Number.isSafeInteger(cap) && cap >= 0 && cap < 2 ** 31)) {
    return `receiveBufferCapacity: expected a non-negative integer, got ${String(cap)}`;
  }
  const max = o.eventCountMax;
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 0 && max <= EVENT_COUNT_LIMIT)) {
    return `eventCountMax: expected an integer in 0..${EVENT_COUNT_LIMIT}, got ${String(max)}`;
  }
  return o.network === undefined ? undefined : networkProblem(o.network, o.nodeCount);
}

function errorText(error: unknown): { message: string; stack?: string } {
  if (error instanceof Error) {
    return error.stack === undefined
      ? { message: error.message }
      : { message: error.message, stack: error.stack };
  }
  return { message: String(error) };
}

/**
 * A deterministic simulation of a cluster of protocol nodes.
 *
 * Guarantees:
 * - Time is virtual: it jumps from event to event. Events at the same virtual
 *   time run in the order they were scheduled.
 * - Same options, same seed, same sequence of calls (faults, `at`) → the same
 *   run, event for event, and the same `traceHash()`.
 * - Randomness comes from separate seeded streams (network, nemesis, buggify,
 *   one per node's `env.random`), so injecting a fault does not shift the draws of
 *   the network or of the nodes.
 * - A handler that throws (an `AssertionError` or anything else) stops the run;
 *   `violation()` says when, where and what. The simulator itself does not throw.
 * - Every message sent is delivered, or dropped with exactly one reason, or still
 *   in flight: `sent + duplicated + replayed = delivered + Σ dropped + inFlight`.
 * - A message that reaches `onMessage` passed the protocol's `validate`
 *   (every message, or with `validateOnlyByzantine` every Byzantine copy).
 *
 * Messages are passed by reference: a protocol must not mutate a message after sending it.
 */
export class Simulation<M, T = string> implements EnvHost<M, T> {
  /** @internal Every node id, ascending (the `env.cluster` of every node). */
  readonly clusterIds: readonly NodeId[];
  /** @internal The `env.metrics` of every node. */
  readonly sharedMetrics: Metrics;

  private readonly n: number;
  private readonly seedValue: number;
  private readonly createNode: (id: NodeId) => ProtocolNode<M, T>;
  private readonly validateMessage: (msg: unknown) => string | undefined;
  private readonly q = new EventQueue();
  private nowMs = 0;

  // Per-node state, indexed by NodeId.
  private readonly objects: (ProtocolNode<M, T> | undefined)[];
  private readonly up: Uint8Array;
  private readonly pauseDepth: Int32Array;
  private readonly incarnation: Int32Array;
  private readonly inbound: Int32Array;
  private readonly deferred: (number[] | undefined)[];
  private readonly storages: (SimStorage | undefined)[];
  private readonly loggers: (Logger | undefined)[];
  private readonly nodeRandom: Uint32Array;
  /** Per-node clocks; undefined until the first `clock` fault. */
  private clocks: NodeClocks | undefined;

  // Network and nemesis.
  private readonly netRng: Prng;
  private readonly nemesisRng: Prng;
  private readonly buggifyRng: Prng;
  private readonly defaultLink: CompiledLink;
  private readonly linkOverrides: Map<number, CompiledLink> | undefined;
  private readonly messageFaults: MessageFaults;
  private readonly ringFrom = new Int32Array(REPLAY_RING_SIZE);
  private readonly ringTo = new Int32Array(REPLAY_RING_SIZE).fill(-1);
  private readonly ringMsg: unknown[] = new Array<unknown>(REPLAY_RING_SIZE).fill(undefined);
  private ringNext = 0;
  private readonly faultRecords: FaultRecord[] = [];
  private readonly activeFaults = new Map<number, FaultSpec>();
  /** Pause fault id → the incarnation it paused, so a pause outlived by a crash does not end a later pause. */
  private readonly pausedIncarnation = new Map<number, number>();
  private readonly buggifySites = new Map<string, boolean>();

  // Options.
  private readonly keepTrace: boolean;
  private readonly collectLogs: boolean;
  private readonly buggifyOn: boolean;
  private readonly validateAll: boolean;
  private readonly eventCountMax: number;

  // Results.
  private eventCount = 0;
  private sentCount = 0;
  private deliveredCount = 0;
  private timersFiredCount = 0;
  private duplicatedCount = 0;
  private replayedCount = 0;
  private corruptedCount = 0;
  private inFlightCount = 0;
  private invalidLogged = 0;
  private readonly droppedBy = new Float64Array(DROP_REASONS.length);
  private readonly hash = new TraceHash();
  private readonly traceRecords: TraceRecord[] = [];
  private readonly emitted: EmittedEvent[] = [];
  private readonly emitListeners: ((event: EmittedEvent) => void)[] = [];
  private readonly logLines: LogLine[] = [];
  private readonly runMetrics = new RunMetrics();
  private violationValue: Violation | undefined;
  private stopped: StopReason | undefined;

  /**
   * Builds a cluster of `options.nodeCount` nodes; each starts at virtual time 0
   * (in id order) on the first `run` or `step`. Throws a `RangeError` naming the
   * option when one is malformed.
   */
  constructor(options: SimulationOptions<M, T>) {
    const problem = optionsProblem(options);
    if (problem !== undefined) throw new RangeError(`simulation options: ${problem}`);
    const n = options.nodeCount;
    this.n = n;
    this.seedValue = options.seed >>> 0;
    this.createNode = options.create;
    this.validateMessage = options.validate;
    this.keepTrace = options.keepTrace ?? false;
    this.collectLogs = options.collectLogs ?? false;
    this.buggifyOn = options.buggify ?? false;
    this.validateAll = !(options.validateOnlyByzantine ?? false);
    this.eventCountMax = options.eventCountMax ?? EVENT_COUNT_MAX_DEFAULT;
    this.clusterIds = Object.freeze(Array.from({ length: n }, (_, i) => i));
    this.sharedMetrics = this.runMetrics;

    this.objects = new Array<ProtocolNode<M, T> | undefined>(n).fill(undefined);
    this.up = new Uint8Array(n).fill(1);
    this.pauseDepth = new Int32Array(n);
    this.incarnation = new Int32Array(n);
    this.inbound = new Int32Array(n);
    this.deferred = new Array<number[] | undefined>(n).fill(undefined);
    this.storages = new Array<SimStorage | undefined>(n).fill(undefined);
    this.loggers = new Array<Logger | undefined>(n).fill(undefined);
    this.nodeRandom = new Uint32Array(4 * n);
    for (let i = 0; i < n; i++)
      seedStream(this.nodeRandom, 4 * i, this.seedValue, STREAM_NODES + i);

    this.netRng = new Prng(this.seedValue, STREAM_NETWORK);
    this.nemesisRng = new Prng(this.seedValue, STREAM_NEMESIS);
    this.buggifyRng = new Prng(this.seedValue, STREAM_BUGGIFY);
    const network = options.network ?? {};
    this.defaultLink = compileLink(network);
    if (network.links !== undefined && network.links.length > 0) {
      this.linkOverrides = new Map();
      for (const link of network.links) {
        this.linkOverrides.set(link.from * n + link.to, compileLink(network, link));
      }
    }
    this.messageFaults = new MessageFaults(
      n,
      options.receiveBufferCapacity ?? RECEIVE_BUFFER_DEFAULT,
    );
    for (let i = 0; i < n; i++) this.pushEvent(0, K_START, i, -1, 0, false);
  }

  /** The seed (as a uint32). */
  get seed(): number {
    return this.seedValue;
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.n;
  }

  /** The current virtual time in ms (global, not any node's skewed clock). */
  get now(): number {
    return this.nowMs;
  }

  /**
   * Runs every event due at or before `untilMs`, then sets `now` to `untilMs`
   * (unless the run stopped first). Returns `until` (events remain after it),
   * `idle` (none remain), or why the run stopped.
   */
  run(untilMs: number): StopReason {
    if (!(untilMs >= this.nowMs)) {
      throw new RangeError(`run: untilMs must be >= now (${this.nowMs}), got ${untilMs}`);
    }
    const q = this.q;
    while (this.stopped === undefined) {
      if (q.size === 0) {
        this.nowMs = untilMs;
        return "idle";
      }
      if (q.peekTime() > untilMs) {
        this.nowMs = untilMs;
        return "until";
      }
      if (this.eventCount >= this.eventCountMax) {
        this.stopped = "event-limit";
        break;
      }
      this.dispatch(q.pop());
    }
    return this.stopped;
  }

  /** Runs the single next event. Returns false when there was none or the run has stopped. */
  step(): boolean {
    if (this.stopped !== undefined || this.q.size === 0) return false;
    if (this.eventCount >= this.eventCountMax) {
      this.stopped = "event-limit";
      return false;
    }
    this.dispatch(this.q.pop());
    return true;
  }

  /** Stops the run: later `run`/`step` calls do nothing. For checks that have seen enough. */
  stop(): void {
    if (this.stopped === undefined) this.stopped = "stopped";
  }

  /** Why the run stopped, once it has (`violation`, `event-limit`, `stopped`); undefined while it may go on. */
  get stopReason(): StopReason | undefined {
    return this.stopped;
  }

  /**
   * Calls `action` at virtual time `atMs` (>= now), in order with the other events.
   * For clients and checks; to act as a node (so a throw becomes that node's
   * violation) call `callNode` inside it. What `action` itself throws propagates out of `run`.
   */
  at(atMs: number, action: () => void): void {
    if (!(atMs >= this.nowMs) || !Number.isFinite(atMs)) {
      throw new RangeError(`at: atMs must be finite and >= now (${this.nowMs}), got ${atMs}`);
    }
    this.pushEvent(atMs, K_CALL, -1, -1, 0, action);
  }

  /**
   * Runs `action` against node `id`'s live object now, as one of its handlers:
   * what it throws becomes a violation. Returns false (and runs nothing) when the
   * node is down or paused, or the run has stopped.
   */
  callNode(id: NodeId, action: (node: ProtocolNode<M, T>) => void): boolean {
    this.checkNode(id, "callNode");
    const node = this.objects[id];
    if (node === undefined || this.up[id] === 0 || this.pauseDepth[id] !== 0) return false;
    if (this.stopped !== undefined) return false;
    try {
      action(node);
    } catch (error) {
      this.fail(id, "call", error);
    }
    return true;
  }

  /** Injects `spec` now; throws a `RangeError` naming the field when it is malformed. */
  inject(spec: FaultSpec): FaultHandle {
    assertFault(spec, this.n);
    const id = this.faultRecords.length;
    this.faultRecords.push({ id, spec, atMs: this.nowMs });
    this.hash.event(T_FAULT, id, FAULT_VERBS.indexOf(spec.verb), this.nowMs);
    if (this.keepTrace) {
      this.traceRecords.push({ t: this.nowMs, ev: "fault", fault: id, verb: spec.verb, spec });
    }
    if (this.applyFault(id, spec)) {
      this.activeFaults.set(id, spec);
      const duration = "durationMs" in spec ? spec.durationMs : undefined;
      if (duration !== undefined)
        this.pushEvent(this.nowMs + duration, K_CALL, -1, -1, 0, () => this.heal(id));
    }
    return { id, heal: () => this.heal(id) };
  }

  /** Injects `spec` at virtual time `atMs` (>= now). Checks the spec at once (throws `RangeError`). */
  schedule(atMs: number, spec: FaultSpec): void {
    assertFault(spec, this.n);
    this.at(atMs, () => {
      this.inject(spec);
    });
  }

  /** Halting crash of `node`, no notice; restarts after `durationMs` when given. */
  crash(options: FaultOptions<"crash">): FaultHandle {
    return this.inject({ verb: "crash", ...options });
  }
  /** Fail-stop crash: peers are told via `onNotice`; restarts after `durationMs` when given. */
  failstop(options: FaultOptions<"failstop">): FaultHandle {
    return this.inject({ verb: "failstop", ...options });
  }
  /** Random omission of messages to or from `nodes`. */
  loss(options: FaultOptions<"loss">): FaultHandle {
    return this.inject({ verb: "loss", ...options });
  }
  /** Shrinks receive buffers: overflow omission. */
  buffer(options: FaultOptions<"buffer">): FaultHandle {
    return this.inject({ verb: "buffer", ...options });
  }
  /** Cuts one link, one- or two-way. */
  link(options: FaultOptions<"link">): FaultHandle {
    return this.inject({ verb: "link", ...options });
  }
  /** Partitions the cluster into (possibly overlapping) groups. */
  partition(options: FaultOptions<"partition">): FaultHandle {
    return this.inject({ verb: "partition", ...options });
  }
  /** Latency spike on messages to or from `nodes`. */
  delay(options: FaultOptions<"delay">): FaultHandle {
    return this.inject({ verb: "delay", ...options });
  }
  /** Stalls a node for `durationMs`; its messages and timers wait and run late. */
  pause(options: FaultOptions<"pause">): FaultHandle {
    return this.inject({ verb: "pause", ...options });
  }
  /** Skews and drifts a node's clock. */
  clock(options: FaultOptions<"clock">): FaultHandle {
    return this.inject({ verb: "clock", ...options });
  }
  /** Corrupts messages (bit flips through msgpack). */
  corrupt(options: FaultOptions<"corrupt">): FaultHandle {
    return this.inject({ verb: "corrupt", ...options });
  }
  /** Duplicates messages. */
  duplicate(options: FaultOptions<"duplicate">): FaultHandle {
    return this.inject({ verb: "duplicate", ...options });
  }
  /** Replays old messages. */
  replay(options: FaultOptions<"replay">): FaultHandle {
    return this.inject({ verb: "replay", ...options });
  }
  /** Damages a node's storage (found at its next recovery). */
  disk(options: FaultOptions<"disk">): FaultHandle {
    return this.inject({ verb: "disk", ...options });
  }
  /** Crash-recovery restart of a node. */
  restart(options: FaultOptions<"restart">): FaultHandle {
    return this.inject({ verb: "restart", ...options });
  }

  /**
   * The trace hash: 16 hex digits over every trace event's kind, virtual time and
   * nodes, each drop's reason, each fault's verb, and each emitted event's
   * top-level fields. Message contents are not hashed (too costly per message);
   * they show in the full trace. Always computed, whether or not the trace is kept.
   */
  traceHash(): string {
    return this.hash.hex();
  }

  /** The run's counters so far. */
  counters(): RunCounters {
    const dropped = {} as Record<DropReason, number>;
    DROP_REASONS.forEach((reason, i) => {
      dropped[reason] = this.droppedBy[i]!;
    });
    return {
      events: this.eventCount,
      sent: this.sentCount,
      delivered: this.deliveredCount,
      dropped,
      timersFired: this.timersFiredCount,
      duplicated: this.duplicatedCount,
      replayed: this.replayedCount,
      corrupted: this.corruptedCount,
    };
  }

  /** Messages scheduled for delivery and not yet delivered or dropped (copies included). */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Every event the protocols emitted, in order. Always kept. */
  events(): readonly EmittedEvent[] {
    return this.emitted;
  }

  /** Calls `listener` for each emitted event as it happens (after it is recorded). */
  onEmit(listener: (event: EmittedEvent) => void): void {
    this.emitListeners.push(listener);
  }

  /** Every fault injected so far, in order, with heal times. */
  faults(): readonly FaultRecord[] {
    return this.faultRecords;
  }

  /** The violation that stopped the run, if one did. */
  violation(): Violation | undefined {
    return this.violationValue;
  }

  /** The full trace; throws unless the simulation was built with `keepTrace: true`. */
  trace(): readonly TraceRecord[] {
    if (!this.keepTrace) throw new Error("trace: the simulation was built without keepTrace: true");
    return this.traceRecords;
  }

  /** The full trace as JSONL (one `TraceRecord` per line, `\n`-terminated); throws unless `keepTrace`. */
  traceJsonl(): string {
    let out = "";
    for (const line of this.traceLines()) out += line;
    return out;
  }

  /**
   * The full trace as JSONL lines (each `\n`-terminated), one at a time, for
   * writing a long trace to a file without building one huge string. Bigints
   * become decimal strings and byte arrays base64. Throws unless `keepTrace`.
   */
  *traceLines(): Generator<string> {
    const replacer = (_key: string, value: unknown) =>
      typeof value === "bigint"
        ? value.toString()
        : value instanceof Uint8Array
          ? Buffer.from(value).toString("base64")
          : value;
    for (const record of this.trace()) yield `${JSON.stringify(record, replacer)}\n`;
  }

  /** Collected log lines (all of them with `collectLogs`; otherwise only the simulator's own warnings). */
  logs(): readonly LogLine[] {
    return this.logLines;
  }

  /** What nodes counted through `env.metrics`, summed over nodes. */
  metrics(): MetricsSnapshot {
    return this.runMetrics.snapshot();
  }

  /** Whether node `id` is up, down (crashed) or paused. */
  status(id: NodeId): NodeStatus {
    this.checkNode(id, "status");
    if (this.up[id] === 0) return "down";
    return this.pauseDepth[id] !== 0 ? "paused" : "up";
  }

  /** Node `id`'s live protocol object, or undefined while it is down. For checks that inspect state. */
  node(id: NodeId): ProtocolNode<M, T> | undefined {
    this.checkNode(id, "node");
    return this.objects[id];
  }

  /** Node `id`'s stored key-value view as it stands now (synced or not). */
  storage(id: NodeId): StorageView {
    this.checkNode(id, "storage");
    return this.storages[id]?.snapshot() ?? new Map();
  }

  /** What node `id`'s storage reported at its last recovery. */
  recovery(id: NodeId): RecoveryReport {
    this.checkNode(id, "recovery");
    return this.storages[id]?.recovery ?? CLEAN_RECOVERY;
  }

  // ---- Env entry points (hot path) ----

  /** @internal `env.now()` of `node`: virtual time, skewed by the `clock` nemesis. */
  localNow(node: NodeId): number {
    const clocks = this.clocks;
    return clocks === undefined ? this.nowMs : clocks.local(node, this.nowMs);
  }

  /** @internal `env.send`. */
  envSend(from: NodeId, incarnation: number, to: NodeId, msg: M): void {
    if (this.incarnation[from] !== incarnation) return;
    const now = this.nowMs;
    this.sentCount++;
    this.hash.event(T_SEND, from, to, now);
    if (this.keepTrace) this.traceRecords.push({ t: now, ev: "send", from, to, msg });
    if (!(to >= 0 && to < this.n && (to | 0) === to)) {
      this.drop(from, to, R_UNKNOWN, msg);
      return;
    }
    const overrides = this.linkOverrides;
    const link =
      overrides === undefined
        ? this.defaultLink
        : (overrides.get(from * this.n + to) ?? this.defaultLink);
    const rng = this.netRng;
    const lost = link.lossProbability > 0 && rng.next() < link.lossProbability;
    const delay = sampleDelay(link, rng);
    // The network stream's draws for a message never depend on active faults.
    const copyDelay =
      link.duplicateProbability > 0 && rng.next() < link.duplicateProbability
        ? sampleDelay(link, rng)
        : -1;
    if (this.messageFaults.any) {
      this.sendUnderFaults(from, to, msg, link, delay, lost, copyDelay);
    } else if (lost) {
      this.drop(from, to, R_LOSS, msg);
      return;
    } else {
      this.scheduleDelivery(from, to, msg, now + delay, COPY_NONE);
      if (copyDelay >= 0) this.scheduleCopy(from, to, msg, now + copyDelay, COPY_DUPLICATE);
    }
    const r = this.ringNext;
    this.ringFrom[r] = from;
    this.ringTo[r] = to;
    this.ringMsg[r] = msg;
    this.ringNext = (r + 1) % REPLAY_RING_SIZE;
  }

  /** @internal `env.setTimer`. */
  envSetTimer(node: NodeId, incarnation: number, afterMs: number, tag: T): TimerId {
    assert(
      typeof afterMs === "number" && afterMs >= 0 && afterMs < Number.POSITIVE_INFINITY,
      () => `setTimer: afterMs must be a finite number >= 0, got ${String(afterMs)}`,
    );
    const clocks = this.clocks;
    const delay = clocks === undefined ? afterMs : afterMs / clocks.rate[node]!;
    const q = this.q;
    const slot = q.alloc();
    q.kind[slot] = K_TIMER;
    q.node[slot] = node;
    q.aux[slot] = incarnation;
    q.payload[slot] = tag;
    q.push(this.nowMs + delay, slot);
    return q.id[slot]!;
  }

  /** @internal `env.cancelTimer`. */
  envCancelTimer(node: NodeId, id: TimerId): void {
    const q = this.q;
    const slot = q.slotOf(id);
    if (slot >= 0 && q.kind[slot] === K_TIMER && q.node[slot] === node) {
      q.kind[slot] = K_CANCELLED;
      q.payload[slot] = undefined;
    }
  }

  /** @internal `env.random`. */
  envRandom(node: NodeId): number {
    return nextFloat(this.nodeRandom, 4 * node);
  }

  /** @internal `env.buggify`: each site enabled once per run with p = 0.25, then firing with p = 0.25. */
  envBuggify(_node: NodeId, site: string): boolean {
    if (!this.buggifyOn) return false;
    let enabled = this.buggifySites.get(site);
    if (enabled === undefined) {
      enabled = this.buggifyRng.next() < 0.25;
      this.buggifySites.set(site, enabled);
    }
    return enabled && this.buggifyRng.next() < 0.25;
  }

  /** @internal `env.emit`. */
  envEmit(node: NodeId, incarnation: number, event: ProtocolEvent): void {
    if (this.incarnation[node] !== incarnation) return;
    const record: EmittedEvent = { t: this.nowMs, node, event };
    this.emitted.push(record);
    this.hash.event(T_EMIT, node, -1, this.nowMs);
    this.hash.fields(event);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "emit", node, event });
    for (const listener of this.emitListeners) listener(record);
  }

  /** @internal `env.storage`. */
  storageOf(node: NodeId): DurableStorage {
    return this.storageFor(node);
  }

  /** @internal `env.log`: silent unless `collectLogs`. */
  loggerOf(node: NodeId): Logger {
    if (!this.collectLogs) return SILENT_LOGGER;
    let logger = this.loggers[node];
    if (logger === undefined) {
      const line =
        (level: LogLine["level"]) => (message: string, fields?: Record<string, unknown>) => {
          this.logLines.push(
            fields === undefined
              ? { t: this.nowMs, node, level, message }
              : { t: this.nowMs, node, level, message, fields },
          );
        };
      logger = {
        debug: line("debug"),
        info: line("info"),
        warn: line("warn"),
        error: line("error"),
      };
      this.loggers[node] = logger;
    }
    return logger;
  }

  // ---- Event dispatch ----

  private dispatch(slot: number): void {
    const q = this.q;
    this.nowMs = q.lastTime;
    this.eventCount++;
    switch (q.kind[slot]) {
      case K_DELIVER:
        this.deliver(slot);
        return;
      case K_TIMER:
        this.fireTimer(slot);
        return;
      case K_START:
        this.runStart(slot);
        return;
      case K_NOTICE:
        this.runNotice(slot);
        return;
      case K_CALL: {
        const action = q.payload[slot] as () => void;
        q.free(slot);
        action();
        return;
      }
      default:
        q.free(slot);
    }
  }

  private deliver(slot: number): void {
    const q = this.q;
    const to = q.node[slot]!;
    if (this.pauseDepth[to] !== 0) {
      this.defer(to, slot);
      return;
    }
    const from = q.from[slot]!;
    const msg = q.payload[slot] as M;
    const copy = q.aux[slot]!;
    q.free(slot);
    this.inbound[to]!--;
    this.inFlightCount--;
    const node = this.objects[to];
    if (node === undefined || this.up[to] === 0) {
      this.drop(from, to, R_CRASHED, msg);
      return;
    }
    if (this.validateAll || copy >= COPY_REPLAY) {
      const problem = this.validateSafely(msg);
      if (problem !== undefined) {
        this.dropInvalid(from, to, msg, problem);
        return;
      }
    }
    this.deliveredCount++;
    this.hash.event(T_DELIVER, from, to, this.nowMs);
    if (this.keepTrace) this.traceDelivery(from, to, msg, copy);
    try {
      node.onMessage(from, msg);
    } catch (error) {
      this.fail(to, "message", error);
    }
  }

  private fireTimer(slot: number): void {
    const q = this.q;
    const node = q.node[slot]!;
    if (q.aux[slot] !== this.incarnation[node]) {
      q.free(slot);
      return;
    }
    if (this.pauseDepth[node] !== 0) {
      this.defer(node, slot);
      return;
    }
    const tag = q.payload[slot] as T;
    q.free(slot);
    const object = this.objects[node];
    if (object === undefined) return;
    this.timersFiredCount++;
    this.hash.event(T_TIMER, node, -1, this.nowMs);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "timer", node, tag });
    try {
      object.onTimer(tag);
    } catch (error) {
      this.fail(node, "timer", error);
    }
  }

  private runStart(slot: number): void {
    const q = this.q;
    const node = q.node[slot]!;
    const incarnation = q.aux[slot]!;
    const recovered = q.payload[slot] === true;
    q.free(slot);
    if (incarnation !== this.incarnation[node] || this.up[node] === 0) return;
    this.startNode(node, recovered);
  }

  private runNotice(slot: number): void {
    const q = this.q;
    const node = q.node[slot]!;
    if (this.pauseDepth[node] !== 0) {
      this.defer(node, slot);
      return;
    }
    const notice = q.payload[slot] as HostNotice;
    q.free(slot);
    const object = this.objects[node];
    if (object === undefined || this.up[node] === 0 || object.onNotice === undefined) return;
    this.hash.event(T_NOTICE, node, notice.peer, this.nowMs);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "notice", node, notice });
    try {
      object.onNotice(notice);
    } catch (error) {
      this.fail(node, "notice", error);
    }
  }

  private startNode(id: NodeId, recovered: boolean): void {
    const env = new SimEnv<M, T>(this, id, this.incarnation[id]!);
    this.hash.event(T_START, id, recovered ? 1 : 0, this.nowMs);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "start", node: id, recovered });
    try {
      const object = this.createNode(id);
      this.objects[id] = object;
      object.start(env, recovered);
    } catch (error) {
      this.fail(id, "start", error);
    }
  }

  // ---- Sending ----

  private sendUnderFaults(
    from: NodeId,
    to: NodeId,
    msg: M,
    link: CompiledLink,
    delay: number,
    lost: boolean,
    copyDelay: number,
  ): void {
    const f = this.messageFaults;
    const blocked = f.blocked(from, to);
    if (blocked !== undefined) {
      this.drop(from, to, DROP_REASONS.indexOf(blocked), msg);
      return;
    }
    const rng = this.nemesisRng;
    const lossP = Math.max(f.lossProbability[from]!, f.lossProbability[to]!);
    if (lost || (lossP > 0 && rng.next() < lossP)) {
      this.drop(from, to, R_LOSS, msg);
      return;
    }
    const now = this.nowMs;
    const extra = Math.max(f.extraLatencyMs[from]!, f.extraLatencyMs[to]!);
    const corruptP = Math.max(f.corruptProbability[from]!, f.corruptProbability[to]!);
    if (corruptP > 0 && rng.next() < corruptP) {
      this.corruptedCount++;
      const result = corruptMessage(msg, rng);
      if (!result.decoded) this.drop(from, to, R_CORRUPT, msg);
      else this.scheduleDelivery(from, to, result.msg as M, now + delay + extra, COPY_CORRUPT);
    } else {
      this.scheduleDelivery(from, to, msg, now + delay + extra, COPY_NONE);
    }
    const dupP = Math.max(f.duplicateProbability[from]!, f.duplicateProbability[to]!);
    if (copyDelay >= 0) {
      this.scheduleCopy(from, to, msg, now + extra + copyDelay, COPY_DUPLICATE);
    } else if (dupP > 0 && rng.next() < dupP) {
      this.scheduleCopy(from, to, msg, now + extra + sampleDelay(link, rng), COPY_DUPLICATE);
    }
    const replayP = f.replayProbability[to]!;
    if (replayP > 0 && rng.next() < replayP) this.replayOld(to, link, extra, rng);
  }

  /** Re-delivers to `to` a random recent message that was sent to it (not the one being sent now). */
  private replayOld(to: NodeId, link: CompiledLink, extra: number, rng: Prng): void {
    const start = rng.int(REPLAY_RING_SIZE);
    for (let k = 0; k < REPLAY_RING_SIZE; k++) {
      const i = (start + k) % REPLAY_RING_SIZE;
      if (this.ringTo[i] !== to) continue;
      const at = this.nowMs + extra + sampleDelay(link, rng);
      this.scheduleCopy(this.ringFrom[i]!, to, this.ringMsg[i] as M, at, COPY_REPLAY);
      return;
    }
  }

  private scheduleCopy(from: NodeId, to: NodeId, msg: M, at: number, copy: number): void {
    if (copy === COPY_DUPLICATE) this.duplicatedCount++;
    else this.replayedCount++;
    this.scheduleDelivery(from, to, msg, at, copy);
  }

  private scheduleDelivery(from: NodeId, to: NodeId, msg: M, at: number, copy: number): void {
    if (this.inbound[to]! >= this.messageFaults.capacity[to]!) {
      this.drop(from, to, R_BUFFER, msg);
      return;
    }
    this.inbound[to]!++;
    this.inFlightCount++;
    const q = this.q;
    const slot = q.alloc();
    q.kind[slot] = K_DELIVER;
    q.node[slot] = to;
    q.from[slot] = from;
    q.aux[slot] = copy;
    q.payload[slot] = msg;
    q.push(at, slot);
  }

  private drop(from: NodeId, to: NodeId, reason: number, msg: unknown): void {
    this.droppedBy[reason]!++;
    this.hash.event(T_DROP, from, to, this.nowMs);
    this.hash.word(reason);
    if (this.keepTrace) {
      this.traceRecords.push({
        t: this.nowMs,
        ev: "drop",
        from,
        to,
        reason: DROP_REASONS[reason]!,
        msg,
      });
    }
  }

  private dropInvalid(from: NodeId, to: NodeId, msg: unknown, problem: string): void {
    this.drop(from, to, R_INVALID, msg);
    if (this.invalidLogged < INVALID_LOGGED_MAX) {
      this.invalidLogged++;
      this.logLines.push({
        t: this.nowMs,
        node: to,
        level: "warn",
        message: "dropped an invalid message",
        fields: { from, reason: problem },
      });
    }
  }

  private validateSafely(msg: unknown): string | undefined {
    try {
      return this.validateMessage(msg);
    } catch (error) {
      return `validate threw: ${errorText(error).message}`;
    }
  }

  private traceDelivery(from: NodeId, to: NodeId, msg: M, copy: number): void {
    const name = COPY_NAMES[copy];
    this.traceRecords.push(
      name === undefined
        ? { t: this.nowMs, ev: "deliver", from, to, msg }
        : { t: this.nowMs, ev: "deliver", from, to, msg, copy: name },
    );
  }

  // ---- Faults ----

  /** Applies a fault; returns true when it stays active until healed. */
  private applyFault(id: number, spec: FaultSpec): boolean {
    switch (spec.verb) {
      case "crash":
        this.crashNode(spec.node, false);
        return true;
      case "failstop":
        if (this.crashNode(spec.node, false)) this.noticePeers(spec.node);
        return true;
      case "pause":
        if (this.pauseNode(spec.node)) this.pausedIncarnation.set(id, this.incarnation[spec.node]!);
        return true;
      case "clock":
        this.clocks ??= new NodeClocks(this.n);
        this.clocks.skew(spec.node, this.nowMs, spec.skewMs ?? 0, spec.driftPpm ?? 0);
        return true;
      case "disk":
        this.damageDisk(spec.node, spec.mode);
        return false;
      case "restart":
        this.crashNode(spec.node, spec.tear ?? false);
        if ((spec.downMs ?? 0) > 0) {
          this.pushEvent(this.nowMs + (spec.downMs ?? 0), K_CALL, -1, -1, 0, () =>
            this.restartNode(spec.node),
          );
        } else {
          this.restartNode(spec.node);
        }
        return false;
      default:
        return this.messageFaults.add(id, spec);
    }
  }

  private heal(id: number): void {
    const spec = this.activeFaults.get(id);
    if (spec === undefined) return;
    this.activeFaults.delete(id);
    const record = this.faultRecords[id]!;
    record.healedAtMs = this.nowMs;
    this.hash.event(T_HEAL, id, FAULT_VERBS.indexOf(spec.verb), this.nowMs);
    if (this.keepTrace)
      this.traceRecords.push({ t: this.nowMs, ev: "heal", fault: id, verb: spec.verb, spec });
    switch (spec.verb) {
      case "crash":
      case "failstop":
        this.restartNode(spec.node);
        return;
      case "pause":
        if (this.pausedIncarnation.get(id) === this.incarnation[spec.node])
          this.resumeNode(spec.node);
        this.pausedIncarnation.delete(id);
        return;
      case "clock":
        this.clocks?.reset(spec.node, this.nowMs);
        return;
      default:
        this.messageFaults.remove(id);
    }
  }

  /** Crashes `id` (no-op when down); returns whether it was up. */
  private crashNode(id: NodeId, tear: boolean): boolean {
    if (this.up[id] === 0) return false;
    this.up[id] = 0;
    this.incarnation[id]!++;
    this.objects[id] = undefined;
    this.pauseDepth[id] = 0;
    const held = this.deferred[id];
    if (held !== undefined) {
      this.deferred[id] = undefined;
      this.dropHeld(held);
    }
    this.storages[id]?.crash(tear, () => this.nemesisRng.next());
    this.hash.event(T_CRASH, id, -1, this.nowMs);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "crash", node: id });
    return true;
  }

  /** Drops what a paused node held when it crashed: messages count as dropped (`crashed`). */
  private dropHeld(held: number[]): void {
    const q = this.q;
    for (const slot of held) {
      if (q.kind[slot] === K_DELIVER) {
        const to = q.node[slot]!;
        this.inbound[to]!--;
        this.inFlightCount--;
        this.drop(q.from[slot]!, to, R_CRASHED, q.payload[slot]);
      }
      q.free(slot);
    }
  }

  private restartNode(id: NodeId): void {
    if (this.up[id] === 1) return;
    this.up[id] = 1;
    this.storages[id]?.recover();
    this.startNode(id, true);
  }

  private noticePeers(stopped: NodeId): void {
    const notice: HostNotice = Object.freeze({ type: "peerStopped", peer: stopped });
    for (let peer = 0; peer < this.n; peer++) {
      if (peer !== stopped && this.up[peer] === 1)
        this.pushEvent(this.nowMs, K_NOTICE, peer, stopped, 0, notice);
    }
  }

  /** Pauses `id` (no-op when down); returns whether it was up. */
  private pauseNode(id: NodeId): boolean {
    if (this.up[id] === 0) return false;
    this.pauseDepth[id]!++;
    this.hash.event(T_PAUSE, id, -1, this.nowMs);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "pause", node: id });
    return true;
  }

  private resumeNode(id: NodeId): void {
    if (this.pauseDepth[id] === 0) return;
    this.pauseDepth[id]!--;
    if (this.pauseDepth[id] !== 0) return;
    this.hash.event(T_RESUME, id, -1, this.nowMs);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "resume", node: id });
    const held = this.deferred[id];
    if (held === undefined) return;
    this.deferred[id] = undefined;
    for (const slot of held) this.q.push(this.nowMs, slot);
  }

  private defer(node: NodeId, slot: number): void {
    let held = this.deferred[node];
    if (held === undefined) {
      held = [];
      this.deferred[node] = held;
    }
    held.push(slot);
  }

  private damageDisk(id: NodeId, mode: "corrupt" | "torn"): void {
    const storage = this.storageFor(id);
    if (mode === "torn") storage.tearNextCrash = true;
    else storage.corruptSynced(() => this.nemesisRng.next());
  }

  private traceSync(node: NodeId, records: number): void {
    this.hash.event(T_SYNC, node, records, this.nowMs);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "sync", node, records });
  }

  private storageFor(node: NodeId): SimStorage {
    let storage = this.storages[node];
    if (storage === undefined) {
      storage = new SimStorage((records) => this.traceSync(node, records));
      this.storages[node] = storage;
    }
    return storage;
  }

  // ---- Helpers ----

  private pushEvent(
    at: number,
    kind: number,
    node: number,
    from: number,
    aux: number,
    payload: unknown,
  ): void {
    const q = this.q;
    const slot = q.alloc();
    q.kind[slot] = kind;
    q.node[slot] = node;
    q.from[slot] = from;
    q.aux[slot] = kind === K_START ? this.incarnation[node]! : aux;
    q.payload[slot] = payload;
    q.push(at, slot);
  }

  private fail(node: NodeId, during: Violation["during"], error: unknown): void {
    if (this.violationValue !== undefined) return;
    const { message, stack } = errorText(error);
    const kind = error instanceof AssertionError ? "assertion" : "exception";
    this.violationValue =
      stack === undefined
        ? { t: this.nowMs, node, kind, during, message }
        : { t: this.nowMs, node, kind, during, message, stack };
    this.stopped = "violation";
    this.hash.event(T_VIOLATION, node, -1, this.nowMs);
    if (this.keepTrace) this.traceRecords.push({ t: this.nowMs, ev: "violation", node, message });
  }

  private checkNode(id: NodeId, where: string): void {
    if (!(Number.isSafeInteger(id) && id >= 0 && id < this.n)) {
      throw new RangeError(`${where}: expected a node id in 0..${this.n - 1}, got ${String(id)}`);
    }
  }
}
