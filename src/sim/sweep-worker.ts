import { parentPort, workerData } from "node:worker_threads";
import { executePlan } from "./scenario-run.js";
import type {
  FromWorker,
  PlanResolver,
  SweepSeedResult,
  SweepWorkerData,
  ToWorker,
} from "./sweep-protocol.js";

/**
 * A sweep worker thread: imports the resolver named by the main thread, then
 * runs each seed it is sent and posts one result per seed, then `idle`.
 * Runs compiled from dist/ (see `runSweep`).
 */
const data = workerData as SweepWorkerData;
const port = parentPort;
if (port === null) throw new Error("sweep-worker: must run as a worker thread");

const post = (message: FromWorker) => port.postMessage(message);

function runSeed(resolver: PlanResolver, seed: number): SweepSeedResult {
  let replay = `seed ${seed}`;
  try {
    const plan = resolver.planSpec(data.spec as never, seed);
    const { summary } = executePlan(plan);
    replay = summary.replay;
    return {
      seed,
      passed: summary.violations.length === 0,
      violations: summary.violations.slice(0, 5),
      traceHash: summary.traceHash,
      virtualMs: summary.virtualMs,
      wallMs: summary.wallMs,
      faults: summary.faults.length,
      replay,
    };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return {
      seed,
      passed: false,
      violations: [],
      traceHash: "",
      virtualMs: 0,
      wallMs: 0,
      faults: 0,
      replay,
      error: message,
    };
  }
}

import(data.resolverUrl).then(
  (resolver: PlanResolver) => {
    port.on("message", (message: ToWorker) => {
      for (const seed of message.seeds) post({ type: "result", result: runSeed(resolver, seed) });
      post({ type: "idle" });
    });
    post({ type: "idle" });
  },
  (error: unknown) =>
    post({ type: "fatal", message: `cannot load ${data.resolverUrl}: ${String(error)}` }),
);
