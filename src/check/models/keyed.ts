import type { Operation } from "../history.js";
import type { Model } from "../model.js";
import { hashCombine, hashString } from "../values.js";

/**
 * The state of a keyed object: one cell per key that differs from the cell's
 * initial state (cells back at their initial state are dropped, so equal
 * objects have equal maps), and the XOR of the cells' hashes.
 */
export interface KeyedState<S> {
  readonly cells: ReadonlyMap<string | undefined, S>;
  readonly hash: number;
}

function keyHash(key: string | undefined): number {
  return key === undefined ? 0x6e6f6b65 : hashString(key);
}

/**
 * Lifts a model of one object to a map of independent objects, one per
 * `Operation.key` (operations without a key share one object). The result
 * partitions by key, and each part is checked with `cell` itself, so a
 * partitioned check never pays for the map.
 */
export function keyed<S>(cell: Model<S>, name: string, summary: string): Model<KeyedState<S>> {
  const init = cell.init();
  const empty: KeyedState<S> = { cells: new Map(), hash: 0 };
  const cellHash = (key: string | undefined, s: S): number =>
    cell.equal(s, init) ? 0 : hashCombine(keyHash(key), cell.hash(s));
  const get = (state: KeyedState<S>, key: string | undefined): S => state.cells.get(key) ?? init;
  const model: Model<KeyedState<S>> = {
    name,
    summary,
    part: cell as Model<unknown>,
    init: () => empty,
    partitionKey: (op) => op.key,
    step(state, op) {
      const before = get(state, op.key);
      const after = cell.step(before, op);
      if (after === undefined) return undefined;
      if (after === before) return state;
      const cells = new Map(state.cells);
      if (cell.equal(after, init)) cells.delete(op.key);
      else cells.set(op.key, after);
      const hash = (state.hash ^ cellHash(op.key, before) ^ cellHash(op.key, after)) >>> 0;
      return { cells, hash };
    },
    equal(a, b) {
      if (a.hash !== b.hash || a.cells.size !== b.cells.size) return false;
      for (const [key, s] of a.cells) {
        const other = b.cells.get(key);
        if (other === undefined || !cell.equal(s, other)) return false;
      }
      return true;
    },
    hash: (s) => s.hash,
    describeState(state) {
      const parts = [...state.cells].map(([k, s]) => `${k ?? "·"}: ${cell.describeState(s)}`);
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
  return model;
}
