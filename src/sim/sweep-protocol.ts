import type { RunPlan } from "./scenario-run.js";

/** One seed's result as a sweep collects it: enough to list and replay it, not the whole summary. */
export interface SweepSeedResult {
  readonly seed: number;
  readonly passed: boolean;
  /** The run's violations (at most 5 kept). */
  readonly violations: readonly string[];
  readonly traceHash: string;
  readonly virtualMs: number;
  readonly wallMs: number;
  readonly faults: number;
  readonly replay: string;
  /** Set when the run could not be planned or the harness threw: not a verdict on the protocol. */
  readonly error?: string;
}

/**
 * The module a sweep worker imports to turn (spec, seed) into a plan; the CLI
 * names it, so the simulator layer never depends on the scenario registry.
 */
export interface PlanResolver {
  planSpec(spec: never, seed: number): RunPlan;
}

/** What the main thread starts each worker with. */
export interface SweepWorkerData {
  /** `file:` URL of a module exporting `planSpec(spec, seed)`. */
  readonly resolverUrl: string;
  /** Plain data handed to `planSpec` unchanged. */
  readonly spec: unknown;
}

/** Main thread → worker. */
export type ToWorker = { readonly type: "seeds"; readonly seeds: readonly number[] };

/** Worker → main thread. */
export type FromWorker =
  | { readonly type: "result"; readonly result: SweepSeedResult }
  | { readonly type: "idle" }
  | { readonly type: "fatal"; readonly message: string };
