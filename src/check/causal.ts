/**
 * Causal consistency of key-value (or register) histories with unique
 * written values, decided by looking for the bad patterns of Bouajjani,
 * Enea, Guerraoui and Hamza, "On verifying causal consistency" (POPL 2017).
 * For differentiated read/write histories they show that each of three
 * causal models holds exactly when the history contains none of its bad
 * patterns, which makes the check polynomial:
 *
 * - CC (causal consistency): ThinAirRead, CyclicCO, WriteCOInitRead, WriteCORead.
 * - CM (causal memory): CC's patterns, plus WriteHBInitRead and CyclicHB.
 * - CCv (causal convergence): CC's patterns, plus CyclicCF.
 */

import {
  type BadPattern,
  type BadPatternInstance,
  findCcPattern,
  findCcvPattern,
  findCmPattern,
} from "./causal-patterns.js";
import { toReadWrite } from "./causal-rw.js";
import type { History } from "./history.js";
import type { Verdict } from "./result.js";

export type { BadPattern, BadPatternInstance } from "./causal-patterns.js";

/** The three causal models the checker decides. */
export type CausalModel = "CC" | "CM" | "CCv";

/** Whether one causal model holds, with the bad pattern that breaks it when it does not. */
export interface CausalModelVerdict {
  readonly holds: boolean;
  /** The first bad pattern found (only when `holds` is false). */
  readonly counterexample?: BadPatternInstance;
}

/** What `checkCausal` returns. */
export interface CausalResult {
  readonly checker: "causal";
  /** `violation` when a model in `required` fails, else `ok`; never `unknown` (the check is polynomial). */
  readonly verdict: Verdict;
  /** Reads and writes judged (after dropping failed ops and unread indeterminate writes). */
  readonly ops: number;
  /** The models that must hold for the verdict to be `ok`. */
  readonly required: readonly CausalModel[];
  readonly models: Readonly<Record<CausalModel, CausalModelVerdict>>;
  /** Wall-clock time of the check, in ms. */
  readonly ms: number;
}

/** Options of `checkCausal`. */
export interface CausalOptions {
  /** The value every key holds before any write (default `null`; the Porcupine kv histories use `""`). */
  readonly initial?: unknown;
  /** Models that must hold for an `ok` verdict (default all three). */
  readonly require?: readonly CausalModel[];
}

/**
 * Decides CC, CM and CCv for a history of reads (`read`/`get`) and writes
 * (`write`/`put`), per key (`Operation.key`, or one register when absent),
 * in which no two writes to a key write the same value. Each model that
 * fails carries one bad pattern with the operations that form it. Throws
 * `ReadWriteShapeError` when the history is not of that shape.
 */
export function checkCausal(history: History, options: CausalOptions = {}): CausalResult {
  const startedMs = performance.now();
  const rw = toReadWrite(history, options);
  const required = options.require ?? ["CC", "CM", "CCv"];
  const cc = findCcPattern(rw);
  let models: Record<CausalModel, CausalModelVerdict>;
  if (cc.pattern !== undefined) {
    const broken = { holds: false, counterexample: cc.pattern };
    models = { CC: broken, CM: broken, CCv: broken };
  } else {
    models = {
      CC: { holds: true },
      CM: verdictOf(findCmPattern(rw, cc.succ)),
      CCv: verdictOf(findCcvPattern(rw, cc.succ, cc.ancestors)),
    };
  }
  const failed = required.some((model) => !models[model].holds);
  return {
    checker: "causal",
    verdict: failed ? "violation" : "ok",
    ops: rw.ops.length,
    required,
    models,
    ms: performance.now() - startedMs,
  };
}

function verdictOf(pattern: BadPatternInstance | undefined): CausalModelVerdict {
  return pattern === undefined ? { holds: true } : { holds: false, counterexample: pattern };
}

/** The bad patterns whose absence each model requires, for docs and reports. */
export const CAUSAL_PATTERNS: Readonly<Record<CausalModel, readonly BadPattern[]>> = {
  CC: ["ThinAirRead", "CyclicCO", "WriteCOInitRead", "WriteCORead"],
  CM: ["ThinAirRead", "CyclicCO", "WriteCOInitRead", "WriteCORead", "WriteHBInitRead", "CyclicHB"],
  CCv: ["ThinAirRead", "CyclicCO", "WriteCOInitRead", "WriteCORead", "CyclicCF"],
};
