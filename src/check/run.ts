import { checkCausal } from "./causal.js";
import { checkConvergence } from "./convergence.js";
import type { History } from "./history.js";
import { checkLinearizable } from "./linearizable/check.js";
import { checkLinearizableParallel } from "./linearizable/parallel.js";
import type { AnyModel } from "./model.js";
import type { LinearizabilityResult, Verdict } from "./result.js";
import { checkSequential } from "./sequential.js";
import { checkSessionGuarantees } from "./session.js";

/** The checkers `cohort check --checker` offers. */
export const CHECKERS = ["linearizable", "sequential", "session", "convergence", "causal"] as const;

/** One of `CHECKERS`. */
export type CheckerName = (typeof CHECKERS)[number];

/** The verdict of one checker on one history, in the shape `cohort check --json` prints. */
export interface CheckOutcome {
  readonly checker: CheckerName;
  readonly verdict: Verdict;
  /** Operations the checker judged. */
  readonly ops: number;
  readonly ms: number;
  /** The evidence against the property, when there is a violation (checker-specific data). */
  readonly counterexample?: unknown;
  /** The checker's full result. */
  readonly result: unknown;
}

/** Options shared by every checker. */
export interface RunOptions {
  readonly timeoutMs: number;
  /** Split partitionable models by key (linearizable only; default true). */
  readonly partition?: boolean;
  /**
   * How worker threads find the model (its `--model` name, or an absolute
   * module path): given, a costly linearizability check may use workers.
   */
  readonly modelRef?: string;
}

/** The counterexample of a linearizability result: each violating partition's prefix and stuck operations. */
export function linearizableCounterexample(result: LinearizabilityResult): unknown {
  return result.partitions
    .filter((p) => p.verdict === "violation")
    .map((p) => ({ key: p.key, linearized: p.linearized, state: p.state, stuck: p.stuck }));
}

/**
 * Runs `checker` on `history` for `model`. Throws a HistoryError (or the
 * read/write checkers' ReadWriteShapeError) for input the checker cannot
 * judge; never turns bad input into a verdict.
 */
export async function runChecker(
  checker: CheckerName,
  history: History,
  model: AnyModel,
  options: RunOptions,
): Promise<CheckOutcome> {
  switch (checker) {
    case "linearizable": {
      const settings = { timeoutMs: options.timeoutMs, partition: options.partition ?? true };
      const r =
        options.modelRef === undefined
          ? checkLinearizable(history, model, settings)
          : await checkLinearizableParallel(history, model, options.modelRef, settings);
      return outcome(
        checker,
        r,
        r.verdict === "violation" ? linearizableCounterexample(r) : undefined,
      );
    }
    case "sequential": {
      const r = checkSequential(history, model, { timeoutMs: options.timeoutMs });
      const cx = { order: r.order, state: r.state, stuck: r.stuck };
      return outcome(checker, r, r.verdict === "violation" ? cx : undefined);
    }
    case "session": {
      const r = checkSessionGuarantees(history, { initial: initialValue(model) });
      const cx = { guarantees: r.guarantees, combined: r.combined, thinAirReads: r.thinAirReads };
      return outcome(checker, r, r.verdict === "violation" ? cx : undefined);
    }
    case "convergence": {
      const r = checkConvergence(history, model, { timeoutMs: options.timeoutMs });
      return outcome(checker, r, r.violation);
    }
    case "causal": {
      const r = checkCausal(history, { initial: initialValue(model) });
      return outcome(checker, r, r.verdict === "violation" ? r.models : undefined);
    }
  }
}

/** The value a key holds before any write, for the read/write checkers: the model's own initial cell. */
function initialValue(model: AnyModel): unknown {
  const cell = model.part ?? model;
  const init = cell.init();
  return typeof init === "object" && init !== null ? null : init;
}

function outcome(
  checker: CheckerName,
  r: { readonly verdict: Verdict; readonly ops: number; readonly ms: number },
  counterexample: unknown,
): CheckOutcome {
  return {
    checker,
    verdict: r.verdict,
    ops: r.ops,
    ms: r.ms,
    ...(counterexample === undefined ? {} : { counterexample }),
    result: r,
  };
}
