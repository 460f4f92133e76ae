import { assert } from "../../core/assert.js";
import type { Operation } from "../history.js";
import type { AnyModel } from "../model.js";
import { ADDED, ConfigCache, FULL } from "./cache.js";
import { buildEntries } from "./entries.js";
import { StateInterner } from "./interner.js";
import type { Product } from "./product.js";
import { PRODUCT_PARTS_MAX, ProductInterner } from "./product.js";

/** Bounds on one search. */
export interface SearchLimits {
  /** Give up with `unknown` when `performance.now()` passes this. */
  readonly deadline: number;
  /** Give up with `unknown` rather than let the search's memory (memo of configurations, interned states) pass this many bytes. */
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
 * Eager reads (a pruning of ours): when a read-only operation (`Model.readOnly`)
 * is a candidate and can happen in the current state, it is linearized at
 * once and no other candidate is tried at that config. Sound because any
 * linearization from the config can be rearranged to put that read first:
 * nothing pending returned before its call, and it changes no state, so
 * moving it forward breaks neither real-time order nor any later step.
 *
 * Overwritten guesses (ours too): an indeterminate blind write (`Model.blindWrite`)
 * is never followed at once by a blind write of the same part. Any
 * linearization with that pattern stays one without the indeterminate
 * write (which may never have happened, and whose effect is erased at once).
 *
 * Twins: indeterminate ops alike in function, key and input are taken in
 * call order (see `infoTwins`).
 *
 * The loop allocates nothing: the linearized set is a typed-array bitset
 * with an incremental hash, states are interned integers, transitions are
 * memoised, and the entry list is linked through typed arrays. With
 * `product` (a partitionable model checked whole), states are interned as
 * vectors of per-part cells (`ProductInterner`).
 */
export function searchLinearizable(
  ops: readonly Operation[],
  model: AnyModel,
  limits: SearchLimits,
  product?: Product,
): SearchOutcome {
  const n = ops.length;
  const { next, prev, tail } = buildEntries(ops);
  const interner =
    product !== undefined && isProductWorthIt(product, ops)
      ? new ProductInterner(product, ops)
      : new StateInterner(model);
  const initial = 0;
  if (interner instanceof StateInterner) interner.intern(model.init());
  let remaining = 0;
  const determinate = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (ops[i]!.status !== "info") {
      determinate[i] = 1;
      remaining++;
    }
  }
  if (remaining === 0) return { verdict: "ok", linearized: [], state: model.init(), configs: 0 };
  const determinateCount = remaining;
  const zobrist = zobristKeys(n);
  const words = (n + 31) >>> 5;
  const bits = new Int32Array(words);
  const cache = new ConfigCache(words, limits.cacheBytesMax);
  const stackEntry = new Int32Array(n);
  const stackState = new Int32Array(n);
  // forced[d] = 1: the op at depth d was linearized eagerly (a read-only op
  // applicable in its state), so no other op needs trying at that config.
  const forced = new Uint8Array(n);
  const readOnly = new Uint8Array(n);
  let anyReadOnly = false;
  if (model.readOnly !== undefined) {
    for (let i = 0; i < n; i++) {
      if (model.readOnly(ops[i]!)) {
        readOnly[i] = 1;
        anyReadOnly = true;
      }
    }
  }
  const twin = infoTwins(ops);
  const { blind, blindInfo, part } = blindWrites(ops, model);
  const best = new Int32Array(n);
  let bestDepth = 0;
  let bestDone = 0;
  let low = 0;
  let depth = 0;
  let state = initial;
  let hash = 0;
  let turns = 0;
  let reason: "timeout" | "memory" | undefined;
  let entry = next[0]!;
  let fresh = anyReadOnly;
  let record = true;

  for (;;) {
    if (++turns === CLOCK_EVERY) {
      turns = 0;
      if (performance.now() > limits.deadline) {
        reason = "timeout";
        break;
      }
      if (cache.bytes() + interner.bytes() > limits.cacheBytesMax) {
        reason = "memory";
        break;
      }
    }
    if (fresh) {
      // A new config: if a read-only candidate can happen here, linearize it
      // now and try nothing else at this config (see the module comment).
      fresh = false;
      let e = next[0]!;
      while ((e & 1) === 0) {
        const op = (e - 1) >> 1;
        if (readOnly[op] === 1 && interner.next(state, op, ops) === state) break;
        e = next[e]!;
      }
      if ((e & 1) === 0) {
        const op = (e - 1) >> 1;
        bits[op >>> 5]! |= 1 << (op & 31);
        const added = cache.insert(bits, hash ^ zobrist[op]!, state);
        if (added === ADDED) {
          hash ^= zobrist[op]!;
          stackEntry[depth] = e;
          stackState[depth] = state;
          forced[depth] = 1;
          depth++;
          const ret = e - 1;
          next[prev[e]!] = next[e]!;
          prev[next[e]!] = prev[e]!;
          next[prev[ret]!] = next[ret]!;
          prev[next[ret]!] = prev[ret]!;
          remaining -= determinate[op]!;
          if (remaining === 0) break;
          fresh = true;
          continue;
        }
        bits[op >>> 5]! &= ~(1 << (op & 31));
        if (added === FULL) {
          reason = "memory";
          break;
        }
        // Seen before, so it failed, and so does this config: backtrack.
        entry = tail;
        record = false;
        continue;
      }
      entry = next[0]!;
    }
    if ((entry & 1) === 0) {
      // A call: try to linearize its operation now (an info op only after its earlier twin).
      const op = (entry - 1) >> 1;
      const t = twin[op]!;
      const after =
        (t >= 0 && (bits[t >>> 5]! & (1 << (t & 31))) === 0) ||
        (blind[op] === 1 &&
          depth > 0 &&
          overwritesInfo(stackEntry[depth - 1]!, op, blindInfo, part))
          ? -1
          : interner.next(state, op, ops);
      if (after >= 0) {
        const word = op >>> 5;
        const bit = 1 << (op & 31);
        bits[word]! |= bit;
        const added = cache.insert(bits, hash ^ zobrist[op]!, after);
        if (added === ADDED) {
          hash ^= zobrist[op]!;
          stackEntry[depth] = entry;
          stackState[depth] = state;
          forced[depth] = 0;
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
          fresh = anyReadOnly;
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
      if (record && (done > bestDone || (done === bestDone && depth < bestDepth))) {
        for (let k = low; k < depth; k++) best[k] = stackEntry[k]!;
        bestDepth = depth;
        bestDone = done;
        low = depth;
      }
      record = true;
      // Pop one op, and keep popping while the popped op was forced.
      let popped = false;
      while (depth > 0) {
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
        if (forced[depth] === 0) {
          popped = true;
          break;
        }
      }
      if (!popped) break;
      entry = next[entry]!;
    }
  }
  const toOps = (entries: Int32Array, count: number): number[] =>
    Array.from(entries.subarray(0, count), (e) => (e - 1) >> 1);
  if (remaining === 0) {
    const linearized = toOps(stackEntry, depth);
    return {
      verdict: "ok",
      linearized,
      state: replay(model, ops, linearized),
      configs: cache.count,
    };
  }
  if (reason !== undefined && determinateCount - remaining > bestDone) {
    for (let k = low; k < depth; k++) best[k] = stackEntry[k]!;
    bestDepth = depth;
  }
  assert(
    reason !== undefined || depth === 0,
    () => `search ended at depth ${depth} without a reason`,
  );
  const linearized = toOps(best, bestDepth);
  return {
    verdict: reason === undefined ? "violation" : "unknown",
    ...(reason === undefined ? {} : { reason }),
    linearized,
    state: replay(model, ops, linearized),
    configs: cache.count,
  };
}

/**
 * For each indeterminate op, the latest earlier indeterminate op with the
 * same function, key and input (its twin), or -1. Twins act alike wherever
 * both can go (neither ever returns, the earlier was called first), so the
 * search takes a twin only after the earlier one: symmetry pruning of ours.
 */
function infoTwins(ops: readonly Operation[]): Int32Array {
  const twin = new Int32Array(ops.length).fill(-1);
  const last = new Map<string, number>();
  ops.forEach((op, i) => {
    if (op.status !== "info") return;
    const key = JSON.stringify([op.f, op.key ?? null, op.input ?? null]);
    twin[i] = last.get(key) ?? -1;
    last.set(key, i);
  });
  return twin;
}

/**
 * Blind writes (`Model.blindWrite`): `blind[i]` when op i sets its part
 * whatever it held; `blindInfo[i]` when it is also indeterminate; `part[i]`
 * numbers each op's part (all 0 without `partitionKey`).
 */
function blindWrites(
  ops: readonly Operation[],
  model: AnyModel,
): { blind: Uint8Array; blindInfo: Uint8Array; part: Int32Array } {
  const n = ops.length;
  const blind = new Uint8Array(n);
  const blindInfo = new Uint8Array(n);
  const part = new Int32Array(n);
  if (model.blindWrite === undefined) return { blind, blindInfo, part };
  const parts = new Map<string | undefined, number>();
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    if (!model.blindWrite(op)) continue;
    blind[i] = 1;
    blindInfo[i] = op.status === "info" ? 1 : 0;
    const key = model.partitionKey?.(op);
    let k = parts.get(key);
    if (k === undefined) {
      k = parts.size;
      parts.set(key, k);
    }
    part[i] = k;
  }
  return { blind, blindInfo, part };
}

/**
 * True when the op on top of the stack (`topEntry`) is an indeterminate
 * blind write that blind write `op` would overwrite at once: that order is
 * never needed (see the module comment).
 */
function overwritesInfo(
  topEntry: number,
  op: number,
  blindInfo: Uint8Array,
  part: Int32Array,
): boolean {
  const top = (topEntry - 1) >> 1;
  return blindInfo[top] === 1 && part[top] === part[op];
}

/** Vectors pay off with at least two parts, and cost too much memory with very many. */
function isProductWorthIt(product: Product, ops: readonly Operation[]): boolean {
  const parts = ProductInterner.partsOf(product, ops);
  return parts >= 2 && parts <= PRODUCT_PARTS_MAX;
}

/** The model state after `order` (indices into `ops`), which the search accepted step by step. */
function replay(model: AnyModel, ops: readonly Operation[], order: readonly number[]): unknown {
  let state = model.init();
  for (const i of order) {
    const after = model.step(state, ops[i]!);
    assert(
      after !== undefined,
      () => `replay: op ${ops[i]!.id} cannot follow the prefix the search accepted`,
    );
    state = after;
  }
  return state;
}
