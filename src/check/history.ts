/**
 * Histories: what clients saw. Every checker in `src/check` reads this one
 * shape, whatever file format it came from (Porcupine's logs, Jepsen EDN,
 * cohort's JSON Lines), so a checker can judge any system's histories.
 */

/** How an operation ended. */
export type OpStatus =
  /** it took effect, and `output` is what it returned */
  | "ok"
  /** it certainly did not take effect */
  | "fail"
  /** unknown: it may have taken effect at any time after its call, or never (a timeout, a crashed client) */
  | "info";

/**
 * One client operation: a call and its completion, paired.
 * Times are in any unit that orders events (ns, ms, or an event index); only their order matters.
 */
export interface Operation {
  /** Position in the history, 0-based and dense: the operation's identity in reports. */
  readonly id: number;
  /** The client process that issued it; a process has at most one operation open at a time. */
  readonly process: number;
  /** The function: `read`, `write`, `cas`, `get`, `put`, `append`, `add`, `enqueue`, … as the model names them. */
  readonly f: string;
  /** The key it addresses, for models that partition by key; undefined otherwise. */
  readonly key?: string;
  /** The argument of the call. */
  readonly input: unknown;
  /** The result (for `ok`); undefined for `fail` and `info`. */
  readonly output: unknown;
  readonly status: OpStatus;
  /** When the call was made. */
  readonly call: number;
  /** When the completion was seen; `Infinity` for `info` (it may take effect at any later time). */
  readonly ret: number;
  /** The 1-based line of the input file that holds the call, when the history came from a file. */
  readonly line?: number;
}

/** A history: operations ordered by `call`, ids dense from 0. */
export type History = readonly Operation[];
