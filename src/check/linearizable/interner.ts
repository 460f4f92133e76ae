import type { Operation } from "../history.js";
import type { AnyModel } from "../model.js";

/**
 * Model states interned as small integers, and the model's transitions
 * memoised on (state id, operation index): the search then compares and
 * hashes integers, and calls `Model.step` once per distinct transition.
 */
export class StateInterner {
  /** Interned states by id. */
  readonly states: unknown[] = [];
  private readonly byHash = new Map<number, number[]>();
  private readonly memo = new Map<number, number>();

  constructor(
    private readonly model: AnyModel,
    private readonly opCount: number,
  ) {}

  /** The id of `state`, interning it if new. */
  intern(state: unknown): number {
    const h = this.model.hash(state) | 0;
    const ids = this.byHash.get(h);
    if (ids === undefined) {
      const id = this.states.push(state) - 1;
      this.byHash.set(h, [id]);
      return id;
    }
    for (const id of ids) if (this.model.equal(this.states[id], state)) return id;
    const id = this.states.push(state) - 1;
    ids.push(id);
    return id;
  }

  /**
   * The id of the state after operation `op` (an index into `ops`) in state
   * `state`, or -1 when the operation cannot happen there.
   */
  next(state: number, op: number, ops: readonly Operation[]): number {
    const key = state * this.opCount + op;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const after = this.model.step(this.states[state], ops[op]!);
    const id = after === undefined ? -1 : this.intern(after);
    this.memo.set(key, id);
    return id;
  }
}
