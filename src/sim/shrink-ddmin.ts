import { assert } from "../core/index.js";

/** What ddmin did. */
export interface DdminResult<T> {
  /** A 1-minimal failing subset (order kept), unless `exhausted`. */
  readonly items: T[];
  /** Predicate calls made. */
  readonly tests: number;
  /** True when the budget ran out first: `items` still fails but may not be 1-minimal. */
  readonly exhausted: boolean;
}

/**
 * Zeller and Hildebrandt's delta debugging (ddmin): given a list whose whole
 * `fails`, finds a subset that still fails and from which removing any single
 * item makes it pass (1-minimal), in O(n²) predicate calls at worst and
 * O(log n) when one item is to blame. Order of items is kept. Each distinct
 * subset is tested at most once (results are cached by index set). Stops after
 * `testsMax` predicate calls and returns the smallest failing subset found.
 */
export function ddmin<T>(
  items: readonly T[],
  fails: (subset: T[]) => boolean,
  testsMax = 10_000,
): DdminResult<T> {
  assert(testsMax >= 1, () => `ddmin: testsMax ${testsMax} < 1`);
  const cache = new Map<string, boolean>();
  let tests = 0;
  let exhausted = false;
  const test = (indices: readonly number[]): boolean => {
    const key = indices.join(",");
    const known = cache.get(key);
    if (known !== undefined) return known;
    if (tests >= testsMax) {
      exhausted = true;
      return false;
    }
    tests += 1;
    const result = fails(indices.map((i) => items[i] as T));
    cache.set(key, result);
    return result;
  };
  let current = items.map((_, i) => i);
  let n = 2;
  while (current.length >= 2 && !exhausted) {
    const chunks = split(current, Math.min(n, current.length));
    const next = reduceOnce(chunks, current, test);
    if (next !== undefined) {
      current = next.indices;
      n = next.granularity;
    } else if (n < current.length) {
      n = Math.min(current.length, n * 2);
    } else {
      break;
    }
  }
  if (current.length === 1 && !exhausted && test([])) current = [];
  return { items: current.map((i) => items[i] as T), tests, exhausted };
}

/** One ddmin step: a failing chunk, else a failing complement; undefined when neither fails. */
function reduceOnce(
  chunks: number[][],
  current: number[],
  test: (indices: readonly number[]) => boolean,
): { indices: number[]; granularity: number } | undefined {
  for (const chunk of chunks) {
    if (test(chunk)) return { indices: chunk, granularity: 2 };
  }
  if (chunks.length === 2) return undefined;
  for (const chunk of chunks) {
    const drop = new Set(chunk);
    const complement = current.filter((i) => !drop.has(i));
    if (test(complement))
      return { indices: complement, granularity: Math.max(chunks.length - 1, 2) };
  }
  return undefined;
}

/** Splits `list` into `parts` contiguous chunks of near-equal size. */
function split(list: readonly number[], parts: number): number[][] {
  const chunks: number[][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const end = start + Math.floor((list.length - start) / (parts - i));
    chunks.push(list.slice(start, end));
    start = end;
  }
  return chunks;
}
