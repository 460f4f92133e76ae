import { parentPort, workerData } from "node:worker_threads";
import { assert } from "../../core/assert.js";
import { resolveModel } from "../models/resolve.js";
import { determinize } from "./determinize.js";
import { partitionResult } from "./explain.js";
import { searchLinearizable } from "./search.js";
import type { WorkerJob, WorkerReply } from "./worker-protocol.js";

/**
 * A worker thread of the parallel linearizability check: searches the
 * partitions it was given, in order, against the shared deadline, and posts
 * their results back. Loaded from dist/ (compiled output).
 */
async function runJob(job: WorkerJob): Promise<WorkerReply> {
  const named = await resolveModel(job.model);
  const model = determinize(job.usePart ? (named.part ?? named) : named);
  const deadline = performance.now() + (job.deadlineEpochMs - Date.now());
  const results = job.partitions.map((part) => {
    const t0 = performance.now();
    const outcome = searchLinearizable(part.ops, model, {
      deadline,
      cacheBytesMax: job.cacheBytesMax,
    });
    return {
      index: part.index,
      result: partitionResult(part.key, part.ops, outcome, model, performance.now() - t0),
    };
  });
  return { ok: true, results };
}

assert(parentPort !== null, "worker.js must run as a worker thread");
const port = parentPort;
runJob(workerData as WorkerJob).then(
  (reply) => port.postMessage(reply),
  (error: unknown) =>
    port.postMessage({
      ok: false,
      error: String((error as Error).stack ?? error),
    } satisfies WorkerReply),
);
