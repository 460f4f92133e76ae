import type { NodeId, ProtocolEvent, ProtocolNode, StoredValue } from "../core/index.js";

/**
 * A distribution of one-way message latency, in virtual milliseconds.
 * `constant` draws nothing; `uniform` draws in [minMs, maxMs); `lognormal`
 * draws `medianMs * exp(sigma * z)` for a standard normal z (long right tail).
 */
export type LatencySpec =
  | { readonly kind: "constant"; readonly ms: number }
  | { readonly kind: "uniform"; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: "lognormal"; readonly medianMs: number; readonly sigma: number };

/** How one link (or every link, as the default) treats a message. All fields optional over the defaults. */
export interface LinkModel {
  /** One-way latency. Default: uniform 1–5 ms. */
  readonly latency?: LatencySpec;
  /** Extra uniform delay in [0, jitterMs) added to every message. Default 0. */
  readonly jitterMs?: number;
  /** Probability that a message is held back an extra uniform [0, reorderWindowMs), so later ones overtake it. Default 0. */
  readonly reorderProbability?: number;
  /** How far a reordered message may be held back. Default 10 ms. */
  readonly reorderWindowMs?: number;
  /** Probability that a message is lost (reason `loss`). Default 0. */
  readonly lossProbability?: number;
  /** Probability that a message is delivered twice (independent latencies). Default 0. */
  readonly duplicateProbability?: number;
}

/** A per-link override of the default link model; `from → to` only (one direction). */
export interface LinkOverride extends LinkModel {
  readonly from: NodeId;
  readonly to: NodeId;
}

/** The network: a default link model and per-link overrides. */
export interface NetworkConfig extends LinkModel {
  readonly links?: readonly LinkOverride[];
}

/**
 * Options of one simulation. Everything that affects the run is here, so the
 * options plus the seed (plus the scheduled faults) reproduce it bit for bit.
 */
export interface SimulationOptions<M, T = string> {
  /** The run's seed: a 32-bit unsigned integer (larger values are reduced mod 2^32). */
  readonly seed: number;
  /** Node count; nodes are numbered 0..nodeCount-1. */
  readonly nodeCount: number;
  /** Builds a fresh node object; called at start and on every restart. */
  create(id: NodeId): ProtocolNode<M, T>;
  /** The protocol's validator; every delivered message must pass it or is dropped with reason `invalid`. */
  validate(msg: unknown): string | undefined;
  /** Network model. Default: uniform 1–5 ms latency, no loss, no duplication. */
  readonly network?: NetworkConfig;
  /**
   * Per-node receive buffer: at most this many messages may be queued for a node
   * (in flight toward it, or held while it is paused); one more is dropped with
   * reason `buffer`. Default 4096.
   */
  readonly receiveBufferCapacity?: number;
  /** Keep the full trace (every event as a record) for `trace()` / `traceJsonl()`. Default false: only the hash. */
  readonly keepTrace?: boolean;
  /** Collect `env.log` lines into `logs()`. Default false (silent). */
  readonly collectLogs?: boolean;
  /** Let `env.buggify(site)` fire (FoundationDB style). Default false: always returns false. */
  readonly buggify?: boolean;
  /**
   * Validate only messages touched by a Byzantine fault (corrupt, replay) instead of
   * every delivered message. Default false: every message is validated.
   */
  readonly validateOnlyByzantine?: boolean;
  /** Hard limit on events processed by one simulation; reaching it stops the run (`stopReason: "event-limit"`). Default 1e9, at most 2^31 - 2^22. */
  readonly eventCountMax?: number;
}

/** Why a message was dropped. Every drop has exactly one reason. */
export const DROP_REASONS = [
  /** random omission (network `lossProbability` or the `loss` nemesis) */
  "loss",
  /** sender and receiver are on different sides of a partition */
  "partition",
  /** the link between them is cut */
  "link",
  /** the receiver was down when the message arrived */
  "crashed",
  /** the receiver's bounded receive buffer was full */
  "buffer",
  /** a corrupted message no longer decoded */
  "corrupt",
  /** the message failed the protocol's `validate` */
  "invalid",
  /** the destination is not a node of the cluster */
  "unknown-node",
] as const;

/** Why a message was dropped. */
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * A fault the nemesis injects, by verb, with one options object whose units are
 * in the names. `durationMs`, when given, schedules the heal that far after the
 * injection; without it the fault lasts until `heal()` (or forever).
 * `nodes` (where allowed) defaults to every node; a message is affected when
 * its sender or its receiver is among them.
 */
export type FaultSpec =
  /** Halting: the node stops, no notice. Heal: it restarts (storage as after `restart`). */
  | { readonly verb: "crash"; readonly node: NodeId; readonly durationMs?: number }
  /** Fail-stop: the node stops and every live peer gets `onNotice({type:"peerStopped"})`. Heal: it restarts. */
  | { readonly verb: "failstop"; readonly node: NodeId; readonly durationMs?: number }
  /** Random omission with `probability` per message. */
  | {
      readonly verb: "loss";
      readonly probability: number;
      readonly nodes?: readonly NodeId[];
      readonly durationMs?: number;
    }
  /** Shrinks the receive buffer of `nodes` to `capacity` messages: overflow omission. */
  | {
      readonly verb: "buffer";
      readonly capacity: number;
      readonly nodes?: readonly NodeId[];
      readonly durationMs?: number;
    }
  /** Cuts the link `from → to` (and `to → from` when `twoWay`). */
  | {
      readonly verb: "link";
      readonly from: NodeId;
      readonly to: NodeId;
      readonly twoWay?: boolean;
      readonly durationMs?: number;
    }
  /**
   * Partition: a message passes only between two nodes that share a group.
   * Groups may overlap (a bridge node sits in two); nodes in no group form one more group together.
   */
  | {
      readonly verb: "partition";
      readonly groups: readonly (readonly NodeId[])[];
      readonly durationMs?: number;
    }
  /** Latency spike: `extraLatencyMs` added to every message to or from `nodes`. */
  | {
      readonly verb: "delay";
      readonly extraLatencyMs: number;
      readonly nodes?: readonly NodeId[];
      readonly durationMs?: number;
    }
  /** The node stalls: no handler runs, messages queue and timers come due; at the heal it resumes and they run late. */
  | { readonly verb: "pause"; readonly node: NodeId; readonly durationMs: number }
  /**
   * The node's `now()` jumps by `skewMs` and then runs `driftPpm` parts per million
   * fast (negative: slow); its timers follow its own clock. Kept monotonic: a backward
   * jump holds `now()` until the clock catches up. Heal: skew and drift removed.
   */
  | {
      readonly verb: "clock";
      readonly node: NodeId;
      readonly skewMs?: number;
      readonly driftPpm?: number;
      readonly durationMs?: number;
    }
  /** Byzantine: each message to or from `nodes` is, with `probability`, encoded, bit-flipped and decoded. */
  | {
      readonly verb: "corrupt";
      readonly probability: number;
      readonly nodes?: readonly NodeId[];
      readonly durationMs?: number;
    }
  /** Each message to or from `nodes` is, with `probability`, delivered a second time. */
  | {
      readonly verb: "duplicate";
      readonly probability: number;
      readonly nodes?: readonly NodeId[];
      readonly durationMs?: number;
    }
  /**
   * Byzantine replay: each message sent to `nodes` triggers, with `probability`, a
   * re-delivery of an older message (from the recent past) to the same receiver.
   */
  | {
      readonly verb: "replay";
      readonly probability: number;
      readonly nodes?: readonly NodeId[];
      readonly durationMs?: number;
    }
  /**
   * Damages the node's storage, found at its next recovery: `corrupt` flips a synced
   * record (recovery cuts the log from it), `torn` makes the next crash keep a torn
   * prefix of the unsynced tail. Instantaneous: no heal.
   */
  | { readonly verb: "disk"; readonly node: NodeId; readonly mode: "corrupt" | "torn" }
  /**
   * Crash-recovery: the node crashes (unsynced writes lost, or torn when `tear`),
   * stays down `downMs` (default 0), then a new node object starts with `recovered = true`.
   */
  | {
      readonly verb: "restart";
      readonly node: NodeId;
      readonly downMs?: number;
      readonly tear?: boolean;
    };

/** The verb of a fault. */
export type FaultVerb = FaultSpec["verb"];

/** Every nemesis verb, in the order of DESIGN.md's failure model. */
export const FAULT_VERBS: readonly FaultVerb[] = [
  "crash",
  "failstop",
  "loss",
  "buffer",
  "link",
  "partition",
  "delay",
  "pause",
  "clock",
  "corrupt",
  "duplicate",
  "replay",
  "disk",
  "restart",
];

/** A fault that was injected: when, what, and when it was healed (if it was). */
export interface FaultRecord {
  /** Unique per simulation, in injection order from 0. */
  readonly id: number;
  readonly spec: FaultSpec;
  /** Virtual ms of the injection. */
  readonly atMs: number;
  /** Virtual ms of the heal; undefined while active (or for instantaneous faults). */
  healedAtMs?: number;
}

/** A handle on an injected fault. */
export interface FaultHandle {
  readonly id: number;
  /** Heals the fault now; healing twice is a no-op. */
  heal(): void;
}

/** An event a protocol emitted, with when and where. Always kept. */
export interface EmittedEvent {
  /** Virtual ms (global time, not the node's skewed clock). */
  readonly t: number;
  readonly node: NodeId;
  readonly event: ProtocolEvent;
}

/** A protocol invariant that broke: the run stopped at this step. */
export interface Violation {
  /** Virtual ms. */
  readonly t: number;
  /** The node whose handler threw. */
  readonly node: NodeId;
  /** `assertion` for an `AssertionError`; `exception` for any other error a handler threw. */
  readonly kind: "assertion" | "exception";
  /** The handler that threw: `start`, `message`, `timer`, `notice`, or `call` (`Simulation.callNode`). */
  readonly during: "start" | "message" | "timer" | "notice" | "call";
  readonly message: string;
  readonly stack?: string;
}

/** Why `run` returned. */
export type StopReason = "until" | "idle" | "violation" | "event-limit" | "stopped";

/** Counters of one run. `dropped` has every reason as a key (zero when none). */
export interface RunCounters {
  /** Events dispatched (deliveries, timers, starts, notices, fault actions). */
  readonly events: number;
  readonly sent: number;
  readonly delivered: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly timersFired: number;
  /** Extra copies made by `duplicate` (network or nemesis) and `replay`. */
  readonly duplicated: number;
  readonly replayed: number;
  readonly corrupted: number;
}

/** A log line a node wrote, collected when `collectLogs` is set (and always for dropped invalid messages). */
export interface LogLine {
  readonly t: number;
  readonly node: NodeId;
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

/** What the run counted through `env.metrics`, summed over nodes. */
export interface MetricsSnapshot {
  readonly counters: Readonly<Record<string, number>>;
  readonly gauges: Readonly<Record<string, number>>;
  readonly histograms: Readonly<
    Record<string, { count: number; sum: number; min: number; max: number }>
  >;
}

/**
 * One trace record, as exported in JSONL (one object per line). Field names:
 * - `t`: virtual ms; `ev`: the event kind;
 * - `send` / `deliver`: `from`, `to`, `msg` (the message; `deliver` adds `copy`:
 *   `duplicate` / `replay` / `corrupt` for Byzantine copies);
 * - `drop`: `from`, `to`, `reason` (a `DropReason`), `msg`;
 * - `timer`: `node`, `tag`; `start`: `node`, `recovered` (true for a restart after a crash);
 * - `crash`: `node`; `notice`: `node`, `notice`; `pause` / `resume`: `node`;
 * - `sync`: `node`, `records` (how many storage records that `sync()` made durable);
 * - `fault` / `heal`: `fault` (id), `verb`, `spec`;
 * - `emit`: `node`, `event`; `violation`: `node`, `message`.
 */
export type TraceRecord =
  | {
      readonly t: number;
      readonly ev: "send" | "deliver";
      readonly from: NodeId;
      readonly to: NodeId;
      readonly msg: unknown;
      readonly copy?: "duplicate" | "replay" | "corrupt";
    }
  | {
      readonly t: number;
      readonly ev: "drop";
      readonly from: NodeId;
      readonly to: NodeId;
      readonly reason: DropReason;
      readonly msg: unknown;
    }
  | { readonly t: number; readonly ev: "timer"; readonly node: NodeId; readonly tag: unknown }
  | { readonly t: number; readonly ev: "start"; readonly node: NodeId; readonly recovered: boolean }
  | { readonly t: number; readonly ev: "crash" | "pause" | "resume"; readonly node: NodeId }
  | { readonly t: number; readonly ev: "sync"; readonly node: NodeId; readonly records: number }
  | { readonly t: number; readonly ev: "notice"; readonly node: NodeId; readonly notice: unknown }
  | {
      readonly t: number;
      readonly ev: "fault" | "heal";
      readonly fault: number;
      readonly verb: FaultVerb;
      readonly spec: FaultSpec;
    }
  | {
      readonly t: number;
      readonly ev: "emit";
      readonly node: NodeId;
      readonly event: ProtocolEvent;
    }
  | {
      readonly t: number;
      readonly ev: "violation";
      readonly node: NodeId;
      readonly message: string;
    };

/** The state of a node as the simulator sees it. */
export type NodeStatus = "up" | "down" | "paused";

/** What a snapshot of simulated storage holds (for tests and checks): the live key-value view. */
export type StorageView = ReadonlyMap<string, StoredValue>;
