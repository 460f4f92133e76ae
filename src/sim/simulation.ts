import type { NodeId, ProtocolNode, RecoveryReport } from "../core/index.js";
import type {
  EmittedEvent,
  FaultHandle,
  FaultRecord,
  FaultSpec,
  LogLine,
  MetricsSnapshot,
  NodeStatus,
  RunCounters,
  SimulationOptions,
  StopReason,
  StorageView,
  TraceRecord,
  Violation,
} from "./types.js";

/** The options of one nemesis verb: its `FaultSpec` without the `verb`. */
export type FaultOptions<V extends FaultSpec["verb"]> = Omit<
  Extract<FaultSpec, { verb: V }>,
  "verb"
>;

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
 *   in flight when the run stops: `sent + duplicated + replayed = delivered + Σ dropped + inFlight`.
 */
export class Simulation<M, T = string> {
  /** Builds a cluster of `options.nodeCount` nodes; they start at virtual time 0 on the first `run` or `step`. */
  constructor(options: SimulationOptions<M, T>) {
    void options;
    throw new Error("not implemented yet");
  }

  /** The seed (as a uint32). */
  get seed(): number {
    throw new Error("not implemented yet");
  }

  /** Number of nodes. */
  get nodeCount(): number {
    throw new Error("not implemented yet");
  }

  /** The current virtual time in ms (global, not any node's skewed clock). */
  get now(): number {
    throw new Error("not implemented yet");
  }

  /**
   * Runs every event due at or before `untilMs`, then sets `now` to `untilMs`
   * (unless the run stopped first). Returns why it returned.
   */
  run(untilMs: number): StopReason {
    void untilMs;
    throw new Error("not implemented yet");
  }

  /** Runs the single next event. Returns false when there was none or the run has stopped. */
  step(): boolean {
    throw new Error("not implemented yet");
  }

  /** Stops the run: later `run`/`step` calls do nothing. For checks that have seen enough. */
  stop(): void {
    throw new Error("not implemented yet");
  }

  /** Why the run stopped, once it has (`violation`, `event-limit`, `stopped`); undefined while it may go on. */
  get stopReason(): StopReason | undefined {
    throw new Error("not implemented yet");
  }

  /** Calls `action` at virtual time `atMs` (>= now), in order with the other events. For clients and checks. */
  at(atMs: number, action: () => void): void {
    void atMs;
    void action;
    throw new Error("not implemented yet");
  }

  /**
   * Runs `action` against node `id`'s live object now, as one of its handlers:
   * what it throws becomes a violation. Returns false (and runs nothing) when the node is down or paused.
   */
  callNode(id: NodeId, action: (node: ProtocolNode<M, T>) => void): boolean {
    void id;
    void action;
    throw new Error("not implemented yet");
  }

  /** Injects `spec` now; throws a `RangeError` naming the field when it is malformed. */
  inject(spec: FaultSpec): FaultHandle {
    void spec;
    throw new Error("not implemented yet");
  }

  /** Injects `spec` at virtual time `atMs` (>= now). Checks the spec at once (throws `RangeError`). */
  schedule(atMs: number, spec: FaultSpec): void {
    void atMs;
    void spec;
    throw new Error("not implemented yet");
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

  /** The trace hash: 16 hex digits over every trace event's kind, time and nodes. Always computed. */
  traceHash(): string {
    throw new Error("not implemented yet");
  }

  /** The run's counters so far. */
  counters(): RunCounters {
    throw new Error("not implemented yet");
  }

  /** Messages scheduled for delivery and not yet delivered or dropped (copies included). */
  get inFlight(): number {
    throw new Error("not implemented yet");
  }

  /** Every event the protocols emitted, in order. Always kept. */
  events(): readonly EmittedEvent[] {
    throw new Error("not implemented yet");
  }

  /** Calls `listener` for each emitted event as it happens (after it is recorded). */
  onEmit(listener: (event: EmittedEvent) => void): void {
    void listener;
    throw new Error("not implemented yet");
  }

  /** Every fault injected so far, in order, with heal times. */
  faults(): readonly FaultRecord[] {
    throw new Error("not implemented yet");
  }

  /** The violation that stopped the run, if one did. */
  violation(): Violation | undefined {
    throw new Error("not implemented yet");
  }

  /** The full trace; throws unless the simulation was built with `keepTrace: true`. */
  trace(): readonly TraceRecord[] {
    throw new Error("not implemented yet");
  }

  /** The full trace as JSONL (one `TraceRecord` per line); throws unless `keepTrace`. */
  traceJsonl(): string {
    throw new Error("not implemented yet");
  }

  /** Collected log lines (all of them with `collectLogs`; otherwise only the simulator's own warnings). */
  logs(): readonly LogLine[] {
    throw new Error("not implemented yet");
  }

  /** What nodes counted through `env.metrics`, summed over nodes. */
  metrics(): MetricsSnapshot {
    throw new Error("not implemented yet");
  }

  /** Whether node `id` is up, down (crashed) or paused. */
  status(id: NodeId): NodeStatus {
    void id;
    throw new Error("not implemented yet");
  }

  /** Node `id`'s live protocol object, or undefined while it is down. For checks that inspect state. */
  node(id: NodeId): ProtocolNode<M, T> | undefined {
    void id;
    throw new Error("not implemented yet");
  }

  /** Node `id`'s stored key-value view as it stands now (synced or not). */
  storage(id: NodeId): StorageView {
    void id;
    throw new Error("not implemented yet");
  }

  /** What node `id`'s storage reported at its last recovery. */
  recovery(id: NodeId): RecoveryReport {
    void id;
    throw new Error("not implemented yet");
  }
}
