import type { History } from "../history.js";
import type { AnyModel } from "../model.js";
import type { LinearizabilityResult, PartitionResult } from "../result.js";
import { combineVerdicts } from "../result.js";
import { partitionResult } from "./explain.js";
import type { Prepared } from "./prepare.js";
import { prepare } from "./prepare.js";
import { searchLinearizable } from "./search.js";

/** Options of a linearizability check. */
export interface LinearizableOptions {
  /** Time budget for the whole check, in ms; past it the verdict is `unknown`. Default: none. */
  readonly timeoutMs?: number;
  /** Check key by key when the model partitions (default true). */
  readonly partition?: boolean;
  /** Memory budget of each search (its memo of configurations and interned states), in bytes (default 1 GiB). */
  readonly cacheBytesMax?: number;
}

/** The default cap on one search's memory: 1 GiB. */
export const CACHE_BYTES_MAX = 1 << 30;

/**
 * Judges `history` against `model` in this thread: linearizable (`ok`), not
 * (`violation`, with each failing partition's longest linearizable prefix and
 * the operations stuck after it), or `unknown` when the time or memory budget
 * ran out first. Throws a HistoryError for operations the model rejects.
 */
export function checkLinearizable(
  history: History,
  model: AnyModel,
  options: LinearizableOptions = {},
): LinearizabilityResult {
  const started = performance.now();
  const prepared = prepare(history, model, options.partition ?? true);
  return checkPrepared(prepared, model.name, started, options);
}

/** Searches every partition of `prepared` in turn; partitions past the deadline are `unknown`. */
export function checkPrepared(
  prepared: Prepared,
  modelName: string,
  started: number,
  options: LinearizableOptions,
): LinearizabilityResult {
  const deadline = started + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
  const cacheBytesMax = options.cacheBytesMax ?? CACHE_BYTES_MAX;
  const partitions: PartitionResult[] = [];
  for (const part of prepared.partitions) {
    const t0 = performance.now();
    const outcome = searchLinearizable(
      part.ops,
      prepared.model,
      { deadline, cacheBytesMax },
      prepared.product,
    );
    partitions.push(
      partitionResult(part.key, part.ops, outcome, prepared.model, performance.now() - t0),
    );
  }
  return {
    checker: "linearizable",
    model: modelName,
    verdict: combineVerdicts(partitions.map((p) => p.verdict)),
    ops: prepared.ops,
    partitions,
    ms: performance.now() - started,
  };
}
