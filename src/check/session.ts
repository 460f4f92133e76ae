/**
 * Session guarantees (Terry, Demers, Petersen, Spreitzer, Theimer, Welch,
 * "Session guarantees for weakly consistent replicated data", PDIS 1994) for
 * key-value and register histories: read-your-writes, monotonic reads,
 * monotonic writes and writes-follow-reads, each judged on its own.
 *
 * A session is a client process. The history must be differentiated: no two
 * writes to a key write the same value, so each read names the write it saw.
 * The checker assumes what eventually consistent stores give: the writes to
 * a key are applied everywhere in one order (unknown to the checker), and a
 * read returns the last write in that order among those its replica has.
 * See `session-engine.ts` for the constraints and docs/checking.md for users.
 */

import { type BadPatternInstance, describeRw } from "./causal-patterns.js";
import { type RwOptions, toReadWrite } from "./causal-rw.js";
import type { History } from "./history.js";
import type { Verdict } from "./result.js";
import { type RuleViolation, type SessionRules, violatedRules } from "./session-engine.js";

/** The four guarantees. */
export type SessionGuarantee =
  | "readYourWrites"
  | "monotonicReads"
  | "monotonicWrites"
  | "writesFollowReads";

/** One piece of evidence against a guarantee. */
export interface SessionViolation {
  readonly key: string;
  /** The session (process) whose read saw too little, when one read is to blame. */
  readonly process?: number;
  /** The operations involved, as history ids. */
  readonly ops: readonly number[];
  readonly explanation: string;
}

/** The judgement of one guarantee. */
export interface GuaranteeVerdict {
  /** `unknown` only for a guarantee that cannot be observed apart from one already violated (see `note`). */
  readonly verdict: Verdict;
  /** Evidence, at most `SESSION_VIOLATIONS_MAX` items plus one write cycle per key. */
  readonly violations: readonly SessionViolation[];
  readonly note?: string;
}

/** What `checkSessionGuarantees` returns. */
export interface SessionResult {
  readonly checker: "session";
  /** `violation` when the four guarantees together cannot explain the history; else `ok`. */
  readonly verdict: Verdict;
  /** Reads and writes judged. */
  readonly ops: number;
  readonly guarantees: Readonly<Record<SessionGuarantee, GuaranteeVerdict>>;
  /** All four at once: it can fail when each alone holds. */
  readonly combined: GuaranteeVerdict;
  /** Reads of values no write wrote: no execution explains them, whatever the guarantees. */
  readonly thinAirReads: readonly BadPatternInstance[];
  readonly ms: number;
}

const NONE: SessionRules = { ryw: false, mr: false, mw: false, wfr: false };

/**
 * Judges each session guarantee on a read/write history with unique written
 * values per key. Read-your-writes and monotonic reads are judged alone.
 * Monotonic writes and writes-follow-reads constrain what *other* sessions
 * see, which a single read of one key cannot show, so they are judged as
 * seen by sessions whose reads are monotonic: a violation is reported when
 * the guarantee together with monotonic reads fails while monotonic reads
 * alone holds (and `unknown` when monotonic reads itself fails). Throws
 * `ReadWriteShapeError` when the history is not of that shape.
 */
export function checkSessionGuarantees(history: History, options: RwOptions = {}): SessionResult {
  const startedMs = performance.now();
  const rw = toReadWrite(history, options);
  const judge = (rules: Partial<SessionRules>) => violatedRules(rw, { ...NONE, ...rules });
  const mr = judge({ mr: true });
  const observed = (rules: Partial<SessionRules>, name: string): GuaranteeVerdict => {
    if (mr.length > 0) {
      const note = `monotonic reads fails, so ${name} cannot be observed apart from it`;
      return { verdict: "unknown", violations: [], note };
    }
    return verdictOf(judge({ ...rules, mr: true }));
  };
  const guarantees = {
    readYourWrites: verdictOf(judge({ ryw: true })),
    monotonicReads: verdictOf(mr),
    monotonicWrites: observed({ mw: true }, "monotonic writes"),
    writesFollowReads: observed({ wfr: true }, "writes-follow-reads"),
  };
  const combined = verdictOf(judge({ ryw: true, mr: true, mw: true, wfr: true }));
  const thinAirReads = rw.ops
    .filter((op) => rw.source[op.index] === -2)
    .map((op) => ({
      pattern: "ThinAirRead" as const,
      ops: [op.id],
      explanation: `${describeRw(op)} returns a value no write to that key wrote`,
    }));
  const failed = combined.verdict === "violation" || thinAirReads.length > 0;
  return {
    checker: "session",
    verdict: failed ? "violation" : "ok",
    ops: rw.ops.length,
    guarantees,
    combined,
    thinAirReads,
    ms: performance.now() - startedMs,
  };
}

function verdictOf(violations: readonly RuleViolation[]): GuaranteeVerdict {
  return { verdict: violations.length === 0 ? "ok" : "violation", violations };
}
