import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { assert } from "../core/index.js";
import type { FromWorker, SweepSeedResult, SweepWorkerData, ToWorker } from "./sweep-protocol.js";

/** The package root (the folder holding package.json), from this file's place in src/ or dist/. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/** The `file:` URL of a compiled module under dist/, e.g. `distUrl("scenarios/load.js")`. */
export function distUrl(relative: string): string {
  return pathToFileURL(join(packageRoot(), "dist", relative)).href;
}

/** Options of a sweep. */
export interface SweepOptions {
  /** `file:` URL of the compiled module exporting `planSpec(spec, seed)`. */
  readonly resolverUrl: string;
  /** Plain data passed to `planSpec` in each worker. */
  readonly spec: unknown;
  /** First and last seed, both included. */
  readonly seedFrom: number;
  readonly seedTo: number;
  /** Worker threads; default: every core. */
  readonly workers?: number;
  /** Called on the main thread as each seed finishes. */
  readonly onResult?: (result: SweepSeedResult, done: number, total: number) => void;
}

/** What a sweep found. */
export interface SweepReport {
  readonly runs: number;
  readonly passed: number;
  /** Seeds with violations, ascending. */
  readonly failed: readonly SweepSeedResult[];
  /** Seeds the harness could not run, ascending. */
  readonly errors: readonly SweepSeedResult[];
  readonly workers: number;
  readonly wallMs: number;
}

/** Limits of a sweep. */
export const SWEEP_LIMITS = {
  seedCountMax: 100_000_000,
  workersMax: 256,
  batchSeedsMax: 64,
} as const;

/**
 * Runs every seed in [seedFrom, seedTo] on worker threads loaded from dist/
 * (build first). Seeds are handed out in small batches as workers go idle, so
 * slow seeds do not hold the others back. Every seed yields exactly one result;
 * the report lists failing and erroring seeds in ascending order. Rejects
 * when a worker cannot start or load the resolver.
 */
export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const total = options.seedTo - options.seedFrom + 1;
  assert(
    total >= 1 && total <= SWEEP_LIMITS.seedCountMax,
    () => `sweep: ${total} seeds out of range`,
  );
  const workerCount = Math.min(
    options.workers ?? availableParallelism(),
    total,
    SWEEP_LIMITS.workersMax,
  );
  assert(workerCount >= 1, () => `sweep: ${workerCount} workers`);
  const script = join(packageRoot(), "dist", "sim", "sweep-worker.js");
  if (!existsSync(script))
    throw new Error(`sweep: ${script} is missing; build first (npx tsc -p .)`);
  const batch = Math.max(
    1,
    Math.min(SWEEP_LIMITS.batchSeedsMax, Math.ceil(total / (workerCount * 8))),
  );
  const started = performance.now();
  const results: SweepSeedResult[] = [];
  let next = options.seedFrom;
  const workerData: SweepWorkerData = { resolverUrl: options.resolverUrl, spec: options.spec };
  const workers = Array.from({ length: workerCount }, () => new Worker(script, { workerData }));
  try {
    await new Promise<void>((resolveAll, reject) => {
      const feed = (worker: Worker) => {
        if (results.length === total) return resolveAll();
        if (next > options.seedTo) return;
        const seeds: number[] = [];
        while (seeds.length < batch && next <= options.seedTo) seeds.push(next++);
        const message: ToWorker = { type: "seeds", seeds };
        worker.postMessage(message);
      };
      for (const worker of workers) {
        worker.on("message", (message: FromWorker) => {
          if (message.type === "fatal") return reject(new Error(message.message));
          if (message.type === "idle") return feed(worker);
          results.push(message.result);
          options.onResult?.(message.result, results.length, total);
          if (results.length === total) resolveAll();
        });
        worker.on("error", reject);
        worker.on("exit", (code) => {
          if (results.length < total)
            reject(new Error(`sweep: a worker exited with code ${code} before the sweep ended`));
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const bySeed = (a: SweepSeedResult, b: SweepSeedResult) => a.seed - b.seed;
  return {
    runs: results.length,
    passed: results.filter((r) => r.passed).length,
    failed: results.filter((r) => !r.passed && r.error === undefined).sort(bySeed),
    errors: results.filter((r) => r.error !== undefined).sort(bySeed),
    workers: workerCount,
    wallMs: Math.round(performance.now() - started),
  };
}
