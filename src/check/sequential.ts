/**
 * Sequential consistency (Lamport, 1979): some total order of the
 * operations, that keeps each process's operations in the order the process
 * issued them, is a correct run of the model. Unlike linearizability it
 * ignores real time: an operation may take effect before one that finished
 * earlier, on another process. It is not compositional, so the history is
 * never split by key.
 *
 * The search walks orders depth-first, one process's next operation at a
 * time, and remembers every (operations done per process, model state) it
 * has left behind, so no such point is explored twice. A timeout or the
 * memory budget ends it with `unknown`, never a guess. A linearizable
 * history is sequentially consistent, so the linearizability checker runs
 * first, with half the time budget.
 */

import { HistoryError } from "./errors.js";
import type { History, Operation } from "./history.js";
import type { Model } from "./model.js";
import type { StuckOp, Verdict } from "./result.js";
import { linearShortcut } from "./sequential-linear.js";

/** Options of `checkSequential`. */
export interface SequentialOptions {
  /** Give up with `unknown` after this long (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Give up with `unknown` after remembering this many search points (default 4 000 000). */
  readonly statesMax?: number;
  /** Try the linearizability checker first (default true; false for testing the search alone). */
  readonly tryLinearizable?: boolean;
}

/** What `checkSequential` returns. */
export interface SequentialResult {
  readonly checker: "sequential";
  readonly model: string;
  readonly verdict: Verdict;
  /** For `unknown`: what stopped the search. */
  readonly reason?: "timeout" | "memory";
  /** Operations judged (after dropping failed ones the model ignores). */
  readonly ops: number;
  /**
   * For `ok`: a serialization (operation ids) that keeps every process's
   * order; for `violation` and `unknown`: the longest such prefix found.
   */
  readonly order: readonly number[];
  /** Indeterminate operations the order above treats as never having happened. */
  readonly omitted: readonly number[];
  /** The model state after `order`, described by the model. */
  readonly state: string;
  /** For `violation`: each process's next operation, none of which can follow `order`. */
  readonly stuck: readonly StuckOp[];
  /** Search points remembered. */
  readonly explored: number;
  readonly ms: number;
}

interface Successor<S> {
  readonly state: S;
  /** false for an indeterminate operation taken as never having happened */
  readonly applied: boolean;
}

interface Frame<S> {
  readonly done: Int32Array;
  readonly state: S;
  /** Processes with operations left, earliest next call first: the likeliest orders come first. */
  readonly tryOrder: readonly number[];
  /** Next index into `tryOrder`. */
  next: number;
  /** Remaining successors through the process being tried (popped from the end). */
  pending: Successor<S>[];
  pendingProcess: number;
}

/**
 * Decides whether `history` is sequentially consistent for `model`. `ok` and
 * `fail` operations follow the model's contract (`Model.step`, `keepFailed`);
 * an indeterminate (`info`) operation either took effect at its place in its
 * process's order or never happened. Throws a HistoryError for an operation
 * the model rejects (`Model.validate`).
 */
export function checkSequential<S>(
  history: History,
  model: Model<S>,
  options: SequentialOptions = {},
): SequentialResult {
  const startedMs = performance.now();
  const deadline = startedMs + (options.timeoutMs ?? 10_000);
  const statesMax = options.statesMax ?? 4_000_000;
  for (const op of history) {
    const problem = model.validate?.(op);
    if (problem !== undefined) throw new HistoryError(op.line, problem);
  }
  const judged = history.filter((op) => op.status !== "fail" || model.keepFailed?.(op) === true);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const shortcut =
    options.tryLinearizable === false ? undefined : linearShortcut(history, model, timeoutMs / 2);
  if (shortcut !== undefined) {
    return {
      checker: "sequential",
      model: model.name,
      verdict: "ok",
      ops: judged.length,
      order: shortcut.order,
      omitted: shortcut.omitted,
      state: model.describeState(shortcut.state),
      stuck: [],
      explored: 0,
      ms: performance.now() - startedMs,
    };
  }
  const processes = groupByProcess(judged);
  // Two orders of trying an indeterminate op (never happened first, or took
  // effect first) suit different histories: the first gets half the time left.
  let search = new Search(model, processes, true);
  const halfway = performance.now() + (deadline - performance.now()) / 2;
  let outcome = search.run(halfway, statesMax);
  if (outcome === "timeout") {
    search = new Search(model, processes, false);
    outcome = search.run(deadline, statesMax);
  }
  const best = search.best;
  const stuck = outcome === "violation" ? search.stuckAt(best.done, best.state) : [];
  const result = {
    checker: "sequential" as const,
    model: model.name,
    verdict: outcome === "ok" ? "ok" : outcome === "violation" ? "violation" : "unknown",
    ops: judged.length,
    order: best.order,
    omitted: best.omitted,
    state: model.describeState(best.state),
    stuck,
    explored: search.explored,
    ms: performance.now() - startedMs,
  } satisfies Omit<SequentialResult, "reason">;
  return outcome === "timeout" || outcome === "memory" ? { ...result, reason: outcome } : result;
}

function groupByProcess(ops: readonly Operation[]): Operation[][] {
  const map = new Map<number, Operation[]>();
  for (const op of ops) {
    const list = map.get(op.process);
    if (list === undefined) map.set(op.process, [op]);
    else list.push(op);
  }
  for (const list of map.values()) list.sort((a, b) => a.call - b.call || a.id - b.id);
  return [...map.values()];
}

interface Best<S> {
  order: number[];
  omitted: number[];
  done: Int32Array;
  state: S;
}

/** One move of the search: one or more operations consumed (an op, then the reads it frees). */
type Move = readonly { readonly id: number; readonly applied: boolean }[];

/** The functions of reads: operations the checker takes to leave the state unchanged. */
export const READ_FUNCTIONS: ReadonlySet<string> = new Set(["read", "get"]);

class Search<S> {
  explored = 0;
  best: Best<S>;
  private readonly seen = new Map<string, S[]>();
  private readonly path: Move[] = [];

  constructor(
    private readonly model: Model<S>,
    private readonly processes: readonly Operation[][],
    /** Try "never happened" before "took effect" for an indeterminate op. */
    private readonly skipFirst: boolean,
  ) {
    const init = model.init();
    this.best = { order: [], omitted: [], done: new Int32Array(processes.length), state: init };
  }

  run(deadline: number, statesMax: number): "ok" | "violation" | "timeout" | "memory" {
    const total = this.processes.reduce((sum, list) => sum + list.length, 0);
    const done = new Int32Array(this.processes.length);
    const state = this.model.init();
    const freed = this.takeReads(done, state);
    const root = this.frame(done, state);
    this.remember(root.done, root.state);
    const stack: Frame<S>[] = [root];
    this.path.push(freed);
    let applied = freed.filter((step) => step.applied).length;
    let consumed = freed.length;
    this.recordBest(root);
    for (let round = 0; stack.length > 0; round++) {
      if ((round & 255) === 0 && performance.now() >= deadline) return "timeout";
      if (this.explored > statesMax) return "memory";
      if (consumed === total) return "ok";
      const top = stack[stack.length - 1] as Frame<S>;
      const child = this.nextChild(top);
      if (child === undefined) {
        stack.pop();
        const undone = this.path.pop() ?? [];
        consumed -= undone.length;
        applied -= undone.filter((step) => step.applied).length;
        continue;
      }
      stack.push(child.frame);
      this.path.push(child.move);
      consumed += child.move.length;
      applied += child.move.filter((step) => step.applied).length;
      if (applied > this.best.order.length || consumed === total) this.recordBest(child.frame);
    }
    return "violation";
  }

  /** The next unexplored successor of `top`, or undefined when it has none left. */
  private nextChild(top: Frame<S>): { frame: Frame<S>; move: Move } | undefined {
    for (;;) {
      const successor = top.pending.pop();
      if (successor !== undefined) {
        const p = top.pendingProcess;
        const op = this.processes[p]?.[top.done[p] as number] as Operation;
        const done = Int32Array.from(top.done);
        done[p] = (done[p] as number) + 1;
        const freed = this.takeReads(done, successor.state);
        if (!this.remember(done, successor.state)) continue;
        const move = [{ id: op.id, applied: successor.applied }, ...freed];
        return { frame: this.frame(done, successor.state), move };
      }
      const p = top.tryOrder[top.next++];
      if (p === undefined) return undefined;
      top.pendingProcess = p;
      top.pending = this.successors(top, p);
    }
  }

  /**
   * Consumes, in place, every process's next operations that are reads
   * which hold in `state` (or indeterminate reads, which constrain nothing).
   * Taking such a read at once never loses an order: it leaves the state as
   * it is, so any order that takes it later can take it now instead.
   */
  private takeReads(done: Int32Array, state: S): Move {
    const taken: { id: number; applied: boolean }[] = [];
    this.processes.forEach((list, p) => {
      for (;;) {
        const op = list[done[p] as number];
        if (op === undefined || !READ_FUNCTIONS.has(op.f)) return;
        if (op.status === "ok") {
          const after = this.after(state, op);
          if (after.length !== 1 || !this.model.equal(after[0] as S, state)) return;
        } else if (op.status !== "info") {
          return;
        }
        taken.push({ id: op.id, applied: op.status === "ok" });
        done[p] = (done[p] as number) + 1;
      }
    });
    return taken;
  }

  /**
   * Where process p's next operation can lead from `top`. An indeterminate
   * op may also never have happened: that choice is tried last.
   */
  private successors(top: Frame<S>, p: number): Successor<S>[] {
    const op = this.processes[p]?.[top.done[p] as number];
    if (op === undefined) return [];
    const out: Successor<S>[] = [];
    // the array is popped from its end: the last pushed is tried first
    const skip = op.status === "info" ? [{ state: top.state, applied: false }] : [];
    const apply = this.after(top.state, op).map((state) => ({ state, applied: true }));
    out.push(...(this.skipFirst ? [...apply, ...skip] : [...skip, ...apply]));
    return out;
  }

  private after(state: S, op: Operation): readonly S[] {
    if (this.model.steps !== undefined) return this.model.steps(state, op);
    const next = this.model.step(state, op);
    return next === undefined ? [] : [next];
  }

  private frame(done: Int32Array, state: S): Frame<S> {
    const tryOrder: number[] = [];
    this.processes.forEach((list, p) => {
      if ((done[p] as number) < list.length) tryOrder.push(p);
    });
    const nextCall = (p: number): number => this.processes[p]?.[done[p] as number]?.call ?? 0;
    tryOrder.sort((a, b) => nextCall(a) - nextCall(b));
    return { done, state, tryOrder, next: 0, pending: [], pendingProcess: -1 };
  }

  /** Remembers a search point; false when it was already seen. */
  private remember(done: Int32Array, state: S): boolean {
    const key = `${done.join(",")}|${this.model.hash(state)}`;
    const bucket = this.seen.get(key);
    if (bucket === undefined) {
      this.seen.set(key, [state]);
    } else {
      if (bucket.some((s) => this.model.equal(s, state))) return false;
      bucket.push(state);
    }
    this.explored++;
    return true;
  }

  private recordBest(frame: Frame<S>): void {
    const steps = this.path.flat();
    const order = steps.filter((step) => step.applied).map((step) => step.id);
    const omitted = steps.filter((step) => !step.applied).map((step) => step.id);
    this.best = { order, omitted, done: Int32Array.from(frame.done), state: frame.state };
  }

  /** Each process's next operation after `done`, with why it cannot happen in `state`. */
  stuckAt(done: Int32Array, state: S): StuckOp[] {
    const stuck: StuckOp[] = [];
    this.processes.forEach((list, p) => {
      const op = list[done[p] as number];
      // an indeterminate op can always be skipped, and one that can happen is not stuck
      if (op === undefined || op.status === "info" || this.after(state, op).length > 0) return;
      const found = this.model.describeState(state);
      const needed =
        this.model.explain?.(state, op) ?? `${this.model.describeOp(op)} cannot happen in ${found}`;
      stuck.push({ id: op.id, found, needed });
    });
    return stuck.sort((a, b) => a.id - b.id);
  }
}
