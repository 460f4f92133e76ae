/**
 * The deterministic simulator's engine. Build a `Simulation` with a seed, a node
 * count, the protocol's `create` and `validate`; inject faults by verb; run it;
 * read its trace hash, counters, emitted events and violation.
 *
 * ```ts
 * const sim = new Simulation({ seed: 7, nodeCount: 5, create: (id) => p.create(id, p.defaults), validate: p.validate });
 * sim.schedule(1_000, { verb: "partition", groups: [[0, 1], [2, 3, 4]], durationMs: 2_000 });
 * sim.run(10_000);
 * sim.traceHash(); sim.counters(); sim.events(); sim.violation();
 * ```
 *
 * - Determinism: same options + seed + calls → same run and `traceHash()`. Separate
 *   PRNG streams (network, nemesis, buggify, one per node) keep a fault from shifting
 *   the network's or the nodes' draws.
 * - Faults (`FaultSpec`, checked by `checkFault`): crash, failstop, loss, buffer,
 *   link, partition, delay, pause, clock, corrupt, duplicate, replay, disk, restart.
 *   Each has an options object with units in the names; `durationMs` schedules the heal.
 * - Every message ends delivered, dropped with one `DropReason`, or in flight.
 *   Messages reach `onMessage` only after passing `validate`.
 * - A handler that throws stops the run with a `Violation` (time, node, handler).
 * - `keepTrace: true` keeps every event as a `TraceRecord` (JSONL via `traceLines()`).
 */
export { assertFault, checkFault } from "./fault-check.js";
export { linkProblem, networkProblem } from "./link-model.js";
export { Prng } from "./prng.js";
export type { FaultOptions } from "./simulation.js";
export { Simulation } from "./simulation.js";
export { SimStorage } from "./storage.js";
export type {
  DropReason,
  EmittedEvent,
  FaultHandle,
  FaultRecord,
  FaultSpec,
  FaultVerb,
  LatencySpec,
  LinkModel,
  LinkOverride,
  LogLine,
  MetricsSnapshot,
  NetworkConfig,
  NodeStatus,
  RunCounters,
  SimulationOptions,
  StopReason,
  StorageView,
  TraceRecord,
  Violation,
} from "./types.js";
export { DROP_REASONS, FAULT_VERBS } from "./types.js";
