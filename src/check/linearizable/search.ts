import { assert } from "../../core/assert.js";
import type { Operation } from "../history.js";
import type { AnyModel } from "../model.js";
import { ADDED, ConfigCache, FULL } from "./cache.js";
import { buildEntries } from "./entries.js";
import { StateInterner } from "./interner.js";

/** Bounds on one search. */
export interface SearchLimits {
  /** Give up with `unknown` when `performance.now()` passes this. */
  readonly deadline: number;
  /** Give up with `unknown` rather than let the configuration cache pass this many bytes. */
  readonly cacheBytesMax: number;
}

/** What the search found, in indices of the `ops` it was given. */
export interface SearchOutcome {
  readonly verdict: "ok" | "violation" | "unknown";
  /** Why the search stopped early, for `unknown`. */
  readonly reason?: "timeout" | "memory";
  /** The longest linearizable prefix found, in linearization order. */
  readonly linearized: readonly number[];
  /** The model state after `linearized`. */
  readonly state: unknown;
  /** Configurations explored (cache entries). */
  readonly configs: number;
}

/** How many loop turns between two looks at the clock. */
const CLOCK_EVERY = 4096;

/** Fixed-seed xorshift32: the Zobrist keys of the operations. */
function zobristKeys(n: number): Int32Array {
  const keys = new Int32Array(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    keys[i] = x;
  }
  return keys;
}

/**
 * Decides whether `ops` (one partition, determinate or `info`) is
 * linearizable with respect to `model`: the Wing & Gong search as Lowe
 * improved it, with the memo of (linearized set, state) that Porcupine uses.
 * An `info` operation may be linearized anywhere after its call or left
 * out; the search succeeds once every determinate operation is linearized.
 *
 * The loop allocates nothing: the linearized set is a typed-array bitset
 * with an incremental hash, states are interned integers, transitions are
 * memoised, and the entry list is linked through typed arrays.
 */
export function searchLinearizable(
  ops: readonly Operation[],
  model: AnyModel,
  limits: SearchLimits,
): SearchOutcome {
  const n = ops.length;
  const { next, prev } = buildEntries(ops);
  const interner = new StateInterner(model);
  const initial = interner.intern(model.init());
  let remaining = 0;
  const determinate = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (ops[i]!.status !== "info") {
      determinate[i] = 1;
      remaining++;
    }
  }
  if (remaining === 0) {
    return { verdict: "ok", linearized: [], state: interner.states[initial], configs: 0 };
  }
  const determinateCount = remaining;
  const zobrist = zobristKeys(n);
  const words = (n + 31) >>> 5;
  const bits = new Int32Array(words);
  const cache = new ConfigCache(words, limits.cacheBytesMax);
  const stackEntry = new Int32Array(n);
  const stackState = new Int32Array(n);
  const best = new Int32Array(n);
  let bestDepth = 0;
  let bestDone = 0;
  let bestState = initial;
  let low = 0;
  let depth = 0;
  let state = initial;
  let hash = 0;
  let turns = 0;
  let reason: "timeout" | "memory" | undefined;
  let entry = next[0]!;

  for (;;) {
    if (++turns === CLOCK_EVERY) {
      turns = 0;
      if (performance.now() > limits.deadline) {
        reason = "timeout";
        break;
      }
    }
    if ((entry & 1) === 0) {
      // A call: try to linearize its operation now.
      const op = (entry - 1) >> 1;
      const after = interner.next(state, op, ops);
      if (after >= 0) {
        const word = op >>> 5;
        const bit = 1 << (op & 31);
        bits[word]! |= bit;
        const added = cache.insert(bits, hash ^ zobrist[op]!, after);
        if (added === ADDED) {
          hash ^= zobrist[op]!;
          stackEntry[depth] = entry;
          stackState[depth] = state;
          depth++;
          state = after;
          // Lift: unlink the call and its return.
          const ret = entry - 1;
          next[prev[entry]!] = next[entry]!;
          prev[next[entry]!] = prev[entry]!;
          next[prev[ret]!] = next[ret]!;
          prev[next[ret]!] = prev[ret]!;
          remaining -= determinate[op]!;
          if (remaining === 0) break;
          entry = next[0]!;
          continue;
        }
        bits[word]! &= ~bit;
        if (added === FULL) {
          reason = "memory";
          break;
        }
      }
      entry = next[entry]!;
    } else {
      // A return (or the tail): its operation cannot wait longer, so backtrack.
      // Keep the prefix with the most determinate operations, and the fewest
      // indeterminate ones among those: the plainest evidence for a report.
      const done = determinateCount - remaining;
      if (done > bestDone || (done === bestDone && depth < bestDepth)) {
        for (let k = low; k < depth; k++) best[k] = stackEntry[k]!;
        bestDepth = depth;
        bestDone = done;
        bestState = state;
        low = depth;
      }
      if (depth === 0) break;
      depth--;
      if (depth < low) low = depth;
      entry = stackEntry[depth]!;
      state = stackState[depth]!;
      const op = (entry - 1) >> 1;
      bits[op >>> 5]! &= ~(1 << (op & 31));
      hash ^= zobrist[op]!;
      remaining += determinate[op]!;
      // Unlift: relink the return, then the call (reverse order of unlinking).
      const ret = entry - 1;
      next[prev[ret]!] = ret;
      prev[next[ret]!] = ret;
      next[prev[entry]!] = entry;
      prev[next[entry]!] = entry;
      entry = next[entry]!;
    }
  }
  const toOps = (entries: Int32Array, count: number): number[] =>
    Array.from(entries.subarray(0, count), (e) => (e - 1) >> 1);
  if (remaining === 0) {
    return {
      verdict: "ok",
      linearized: toOps(stackEntry, depth),
      state: interner.states[state],
      configs: cache.count,
    };
  }
  if (reason !== undefined && determinateCount - remaining > bestDone) {
    for (let k = low; k < depth; k++) best[k] = stackEntry[k]!;
    bestDepth = depth;
    bestState = state;
  }
  assert(reason !== undefined || depth === 0, `search ended at depth ${depth} without a reason`);
  return {
    verdict: reason === undefined ? "violation" : "unknown",
    ...(reason === undefined ? {} : { reason }),
    linearized: toOps(best, bestDepth),
    state: interner.states[bestState],
    configs: cache.count,
  };
}
