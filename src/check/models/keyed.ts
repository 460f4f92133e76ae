import type { Operation } from "../history.js";
import type { Model } from "../model.js";
import { hashCombine, hashString } from "../values.js";

/**
 * The state of a keyed object: the cells that differ from the cell's initial
 * state, by key in ascending order (the unkeyed cell first), and the XOR of
 * their hashes. Cells back at their initial state are dropped, so equal
 * objects have equal arrays; arrays (not Maps) keep a transition cheap.
 */
export interface KeyedState<S> {
  readonly keys: readonly (string | undefined)[];
  readonly cells: readonly S[];
  readonly hash: number;
}

function keyHash(key: string | undefined): number {
  return key === undefined ? 0x6e6f6b65 : hashString(key);
}

/** Orders keys: undefined first, then by UTF-16 code units. */
function compareKeys(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** The index of `key` in sorted `keys`, or `-(insertion point) - 1` when absent. */
function findKey(keys: readonly (string | undefined)[], key: string | undefined): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareKeys(keys[mid], key);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

/**
 * Lifts a model of one object to a map of independent objects, one per
 * `Operation.key` (operations without a key share one object). The result
 * partitions by key, and each part is checked with `cell` itself, so a
 * partitioned check never pays for the map.
 */
export function keyed<S>(cell: Model<S>, name: string, summary: string): Model<KeyedState<S>> {
  const init = cell.init();
  const empty: KeyedState<S> = { keys: [], cells: [], hash: 0 };
  const cellHash = (key: string | undefined, s: S): number =>
    hashCombine(keyHash(key), cell.hash(s));
  const get = (state: KeyedState<S>, key: string | undefined): S => {
    const i = findKey(state.keys, key);
    return i >= 0 ? state.cells[i]! : init;
  };
  const model: Model<KeyedState<S>> = {
    name,
    summary,
    part: cell as Model<unknown>,
    init: () => empty,
    partitionKey: (op) => op.key,
    step(state, op) {
      const i = findKey(state.keys, op.key);
      const before = i >= 0 ? state.cells[i]! : init;
      const after = cell.step(before, op);
      if (after === undefined) return undefined;
      if (after === before) return state;
      const keys = state.keys.slice();
      const cells = state.cells.slice();
      let hash = state.hash;
      if (i >= 0) hash ^= cellHash(op.key, before);
      const back = cell.equal(after, init);
      if (!back) hash ^= cellHash(op.key, after);
      if (i >= 0 && back) {
        keys.splice(i, 1);
        cells.splice(i, 1);
      } else if (i >= 0) {
        cells[i] = after;
      } else if (!back) {
        keys.splice(-i - 1, 0, op.key);
        cells.splice(-i - 1, 0, after);
      }
      return { keys, cells, hash: hash >>> 0 };
    },
    equal(a, b) {
      if (a === b) return true;
      if (a.hash !== b.hash || a.keys.length !== b.keys.length) return false;
      for (let i = 0; i < a.keys.length; i++) {
        if (a.keys[i] !== b.keys[i] || !cell.equal(a.cells[i]!, b.cells[i]!)) return false;
      }
      return true;
    },
    hash: (s) => s.hash,
    describeState(state) {
      const parts = state.keys.map((k, i) => `${k ?? "·"}: ${cell.describeState(state.cells[i]!)}`);
      return `{${parts.join(", ")}}`;
    },
    describeOp: (op: Operation) =>
      op.key === undefined ? cell.describeOp(op) : `${op.key}: ${cell.describeOp(op)}`,
    explain: (state, op) =>
      cell.explain === undefined
        ? `${cell.describeOp(op)} cannot happen in ${cell.describeState(get(state, op.key))}`
        : cell.explain(get(state, op.key), op),
  };
  if (cell.validate !== undefined) model.validate = cell.validate.bind(cell);
  if (cell.keepFailed !== undefined) model.keepFailed = cell.keepFailed.bind(cell);
  if (cell.readOnly !== undefined) model.readOnly = cell.readOnly.bind(cell);
  // A cell's blind write overwrites its own key, which is what blindWrite means for a keyed model.
  if (cell.blindWrite !== undefined) model.blindWrite = cell.blindWrite.bind(cell);
  return model;
}
