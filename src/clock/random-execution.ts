import { assert } from "../core/assert.js";

/** One step of a generated message-passing execution. */
export interface ExecutionStep {
  /** 0 = local event, 1 = send, 2 = receive (a local event when nothing is in flight). */
  readonly op: number;
  readonly proc: number;
  /** Chooses the destination of a send or which in-flight message a receive takes. */
  readonly pick: number;
  /** How far global time moves before this step, in ms. */
  readonly advanceMs: number;
  /** The process's physical clock lead over global time at this step, as a fraction of the skew bound. */
  readonly skew: number;
}

/** One event of an execution, in the order it happened. */
export interface ExecutionEvent {
  readonly index: number;
  readonly proc: number;
  readonly kind: "local" | "send" | "receive";
  /** For a receive, the index of the matching send event. */
  readonly from?: number;
  /** Global (true) time at the event. */
  readonly timeMs: number;
  /** The process's physical clock reading at the event: timeMs plus a skew in [0, skewBoundMs]. */
  readonly physicalMs: number;
}

/**
 * Turns generated steps into a valid execution over `procs` processes: every
 * receive takes a message that was sent to that process and not yet received.
 * Messages may be received in any order (no FIFO assumption).
 */
export function buildExecution(
  steps: readonly ExecutionStep[],
  procs: number,
  skewBoundMs: number,
): ExecutionEvent[] {
  assert(procs >= 2, "an execution needs at least two processes");
  const events: ExecutionEvent[] = [];
  const inFlight: { to: number; send: number }[] = [];
  let timeMs = 0;
  for (const step of steps) {
    const proc = step.proc % procs;
    timeMs += step.advanceMs;
    const base = {
      index: events.length,
      proc,
      timeMs,
      physicalMs: timeMs + step.skew * skewBoundMs,
    };
    if (step.op === 1) {
      const to = (proc + 1 + (step.pick % (procs - 1))) % procs;
      inFlight.push({ to, send: events.length });
      events.push({ ...base, kind: "send" });
      continue;
    }
    const mine = inFlight.filter((m) => m.to === proc);
    if (step.op === 2 && mine.length > 0) {
      const message = mine[step.pick % mine.length]!;
      inFlight.splice(inFlight.indexOf(message), 1);
      events.push({ ...base, kind: "receive", from: message.send });
      continue;
    }
    events.push({ ...base, kind: "local" });
  }
  return events;
}

/**
 * Happened-before by reachability in the execution's graph (an edge from each
 * event to the next on its process, and from each send to its receive):
 * `result[b].has(a)` exactly when a → b.
 */
export function happenedBefore(
  events: readonly Pick<ExecutionEvent, "index" | "proc" | "from">[],
): Set<number>[] {
  const before: Set<number>[] = [];
  const lastOf = new Map<number, number>();
  for (const e of events) {
    const set = new Set<number>();
    const previous = lastOf.get(e.proc);
    for (const p of [previous, e.from]) {
      if (p === undefined) continue;
      set.add(p);
      for (const q of before[p]!) set.add(q);
    }
    before.push(set);
    lastOf.set(e.proc, e.index);
  }
  return before;
}
