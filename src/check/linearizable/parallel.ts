import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { History } from "../history.js";
import type { AnyModel } from "../model.js";
import type { LinearizabilityResult, PartitionResult } from "../result.js";
import { combineVerdicts } from "../result.js";
import type { LinearizableOptions } from "./check.js";
import { CACHE_BYTES_MAX, checkPrepared } from "./check.js";
import { partitionResult } from "./explain.js";
import type { Partition } from "./prepare.js";
import { prepare } from "./prepare.js";
import { searchLinearizable } from "./search.js";
import type { ModelRef, WorkerJob, WorkerReply } from "./worker-protocol.js";

/** Below this many operations a check stays in the calling thread: starting workers costs more. */
export const PARALLEL_OPS_MIN = 20_000;

/** Options of `checkLinearizableParallel`. */
export interface ParallelOptions extends LinearizableOptions {
  /** Worker threads to use (default: the cores, at most 4). 1 checks in this thread. */
  readonly threads?: number;
  /** Use workers from this many operations up (default `PARALLEL_OPS_MIN`). */
  readonly parallelOpsMin?: number;
  /** Check alone in this thread for this long before starting workers (default `ALONE_MS`). */
  readonly aloneMs?: number;
}

/** The compiled worker script, dist/check/linearizable/worker.js under the package root, if built. */
export function workerScript(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) {
      const script = join(dir, "dist", "check", "linearizable", "worker.js");
      return existsSync(script) ? script : undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Splits partitions into `n` groups of about equal work, largest first (LPT scheduling). */
export function balance(partitions: readonly Partition[], n: number): number[][] {
  const groups: number[][] = Array.from({ length: n }, () => []);
  const load = new Array<number>(n).fill(0);
  const order = partitions
    .map((_, i) => i)
    .sort((a, b) => partitions[b]!.ops.length - partitions[a]!.ops.length);
  for (const i of order) {
    let least = 0;
    for (let g = 1; g < n; g++) if (load[g]! < load[least]!) least = g;
    groups[least]!.push(i);
    load[least]! += partitions[i]!.ops.length;
  }
  return groups.filter((g) => g.length > 0);
}

function runWorker(script: string, job: WorkerJob): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: job });
    worker.once("message", (reply: WorkerReply) => {
      resolve(reply);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`linearizability worker exited with code ${code}`));
    });
  });
}

/** The main thread checks alone for this long before it hands the partitions left to workers. */
export const ALONE_MS = 250;

function searchOne(
  part: Partition,
  model: AnyModel,
  deadline: number,
  cacheBytesMax: number,
): PartitionResult {
  const t0 = performance.now();
  const outcome = searchLinearizable(part.ops, model, { deadline, cacheBytesMax });
  return partitionResult(part.key, part.ops, outcome, model, performance.now() - t0);
}

/**
 * `checkLinearizable` that spreads the partitions of a costly history over
 * worker threads. It starts alone in this thread; only when partitions are
 * still left after `ALONE_MS` and the history has at least `parallelOpsMin`
 * operations does it hand most of the rest to workers (which find the model
 * by `modelRef`: a built-in name or a module path) and keep one share. So
 * quick checks never pay for starting workers. Same verdicts and results as
 * the single-threaded check, which it is when dist/ is not built. Workers
 * share the cache budget: each of n threads gets 1/n of it.
 */
export async function checkLinearizableParallel(
  history: History,
  model: AnyModel,
  modelRef: ModelRef,
  options: ParallelOptions = {},
): Promise<LinearizabilityResult> {
  const started = performance.now();
  const prepared = prepare(history, model, options.partition ?? true);
  const deadline = started + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
  const threads = Math.min(
    options.threads ?? Math.min(availableParallelism(), 4),
    prepared.partitions.length,
  );
  const script = workerScript();
  const parallel =
    threads >= 2 &&
    prepared.ops >= (options.parallelOpsMin ?? PARALLEL_OPS_MIN) &&
    script !== undefined;
  if (!parallel) return checkPrepared(prepared, model.name, started, options);
  const budget = options.cacheBytesMax ?? CACHE_BYTES_MAX;
  const results: PartitionResult[] = new Array(prepared.partitions.length);
  let next = 0;
  while (
    next < prepared.partitions.length &&
    performance.now() - started < (options.aloneMs ?? ALONE_MS)
  ) {
    results[next] = searchOne(prepared.partitions[next]!, prepared.model, deadline, budget);
    next++;
  }
  const left = prepared.partitions.slice(next);
  let workers = 0;
  if (left.length > 0) {
    const groups = balance(left, threads).map((g) => g.map((i) => i + next));
    const [own = [], ...others] = groups;
    const usePart = (options.partition ?? true) && model.partitionKey !== undefined;
    const share = Math.floor(budget / threads);
    const deadlineEpochMs = Date.now() + (deadline - performance.now());
    workers = others.length;
    const replies = others.map((group) =>
      runWorker(script, {
        model: modelRef,
        usePart,
        partitions: group.map((index) => ({ index, ...prepared.partitions[index]! })),
        deadlineEpochMs: Number.isFinite(deadlineEpochMs)
          ? deadlineEpochMs
          : Number.MAX_SAFE_INTEGER,
        cacheBytesMax: share,
      }),
    );
    for (const index of own)
      results[index] = searchOne(prepared.partitions[index]!, prepared.model, deadline, share);
    for (const reply of await Promise.all(replies)) {
      if (!reply.ok) throw new Error(`linearizability worker failed: ${reply.error}`);
      for (const { index, result } of reply.results) results[index] = result;
    }
  }
  return {
    checker: "linearizable",
    model: model.name,
    verdict: combineVerdicts(results.map((p) => p.verdict)),
    ops: prepared.ops,
    partitions: results,
    ms: performance.now() - started,
    workers,
  };
}
