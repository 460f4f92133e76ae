import type { NodeId, Protocol, ProtocolNode } from "../core/index.js";
import type { ScheduledFault } from "./schedule.js";
import type { RandomNemesis } from "./schedule-random.js";
import type { EmittedEvent, NetworkConfig, NodeStatus, RunCounters, Violation } from "./types.js";

/** When a node went down or came back during a run (from the engine's fault records). */
export interface NodeLifecycleEvent {
  /** Virtual ms. */
  readonly t: number;
  readonly node: NodeId;
  /** `down`: crash, failstop or restart began; `up`: it was started again. */
  readonly change: "down" | "up";
  /** The verb that caused it. */
  readonly cause: "crash" | "failstop" | "restart";
}

/**
 * An omniscient view of a finished run, handed to a scenario's `check`: every
 * event the protocols emitted (with time and node), every fault the nemesis
 * injected (with when it healed), when nodes went down and came back, the
 * engine's counters, and the live node objects for state inspection.
 */
export interface RunView<M = unknown, T = unknown> {
  readonly seed: number;
  readonly nodeCount: number;
  /** The run's planned length in virtual ms. */
  readonly durationMs: number;
  /** Where virtual time stood when the run ended. */
  readonly endMs: number;
  readonly events: readonly EmittedEvent[];
  /** What was injected: `at`, verb options, and `healAt` when it was healed. */
  readonly faults: readonly ScheduledFault[];
  readonly lifecycle: readonly NodeLifecycleEvent[];
  readonly counters: RunCounters;
  /** The protocol invariant that broke inside a handler, if one did (the run stopped there). */
  readonly violation: Violation | undefined;
  /** Node `id`'s live object, or undefined while it is down. */
  node(id: NodeId): ProtocolNode<M, T> | undefined;
  status(id: NodeId): NodeStatus;
}

/** A scenario's defaults: what a run uses when neither flags nor a file say otherwise. */
export interface ScenarioDefaults {
  readonly nodes: number;
  readonly durationMs: number;
  readonly network?: NetworkConfig;
  /** The nemesis of `cohort sim NAME` without `--nemesis`: none when absent. */
  readonly nemesis?: RandomNemesis;
  readonly receiveBufferCapacity?: number;
}

/**
 * A named, runnable test of a protocol in the simulator: how to build each
 * node (clients and servers may differ), how to validate messages, the
 * defaults of a run, and `check`, which judges a finished run from its
 * omniscient view and returns violations (empty when every property held).
 *
 * Guarantees a scenario must keep: `create` and `check` are deterministic
 * functions of their inputs (no wall clock, no `Math.random`), so a seed
 * replays; `check` never throws for a run it did not expect — it reports.
 */
export interface Scenario<M = unknown, T = unknown> {
  /** Unique name, as used by `cohort sim NAME`. */
  readonly name: string;
  /** One line for `cohort sim --list`. */
  readonly summary: string;
  readonly defaults: ScenarioDefaults;
  /** Node counts this scenario can run (inclusive). */
  readonly nodesMin: number;
  readonly nodesMax: number;
  /** A new node object for `id` of a `nodeCount`-node cluster; called at start and on each restart. */
  create(id: NodeId, nodeCount: number): ProtocolNode<M, T>;
  /** The protocol's message validator. */
  validate(msg: unknown): string | undefined;
  /** Violations seen in the finished run, each one sentence naming time and node. */
  check(run: RunView<M, T>): string[];
  /**
   * Extra figures this scenario reports about a finished run (e.g.
   * `splitBrain`), merged into the run summary under their own keys; never
   * used to decide pass/fail. Keys must not be a standard summary field
   * (`RUN_SUMMARY_KEYS`); values must be JSON-serialisable. Deterministic like
   * `check`; a `results` that throws is reported as a violation.
   */
  results?(run: RunView<M, T>): Readonly<Record<string, unknown>>;
}

/** A scenario of any message and timer type, for registries. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds scenarios of unrelated types
export type AnyScenario = Scenario<any, any>;

/** What `protocolScenario` needs beside the protocol. */
export interface ProtocolScenarioOptions<M, T, C> {
  /** Default: the protocol's name. */
  readonly name?: string;
  /** Default: the protocol's summary. */
  readonly summary?: string;
  /** Overrides of the protocol's default configuration, checked with `checkConfig`. */
  readonly config?: Partial<C>;
  readonly defaults: ScenarioDefaults;
  /** Default 1. */
  readonly nodesMin?: number;
  /** Default 100,000. */
  readonly nodesMax?: number;
  /** Default: no check beyond the invariants the protocol asserts. */
  readonly check?: (run: RunView<M, T>) => string[];
}

/**
 * A scenario that runs `protocol` on every node with one configuration (its
 * defaults merged with `options.config`). Throws a `RangeError` naming the
 * protocol and field when that configuration fails `checkConfig`, so a bad
 * scenario fails when it is registered, not in the middle of a sweep.
 */
export function protocolScenario<M, T, C>(
  protocol: Protocol<M, T, C>,
  options: ProtocolScenarioOptions<M, T, C>,
): Scenario<M, T> {
  const config = { ...protocol.defaults, ...options.config } as C;
  const problem = protocol.checkConfig(config);
  if (problem !== undefined) throw new RangeError(`${protocol.name} config: ${problem}`);
  return {
    name: options.name ?? protocol.name,
    summary: options.summary ?? protocol.summary,
    defaults: options.defaults,
    nodesMin: options.nodesMin ?? 1,
    nodesMax: options.nodesMax ?? 100_000,
    create: (id) => protocol.create(id, config),
    validate: (msg) => protocol.validate(msg),
    check: options.check ?? (() => []),
  };
}
