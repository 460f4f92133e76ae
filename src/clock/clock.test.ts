import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareHlc, type HlcTimestamp, HybridLogicalClock } from "./hlc.js";
import { LamportClock } from "./lamport.js";
import {
  buildExecution,
  type ExecutionEvent,
  type ExecutionStep,
  happenedBefore,
} from "./random-execution.js";
import { VECTOR_ZERO, type VectorClock, vectorCompare, vectorMerge, vectorTick } from "./vector.js";

const SKEW_BOUND_MS = 50;

const step: fc.Arbitrary<ExecutionStep> = fc.record({
  op: fc.integer({ min: 0, max: 2 }),
  proc: fc.nat(7),
  pick: fc.nat(1000),
  advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 })),
  skew: fc.double({ min: 0, max: 1, noNaN: true }),
});
const execution = fc
  .tuple(fc.integer({ min: 2, max: 5 }), fc.array(step, { minLength: 1, maxLength: 70 }))
  .map(([procs, steps]) => buildExecution(steps, procs, SKEW_BOUND_MS));

interface Stamps {
  lamport: number[];
  vector: VectorClock[];
  hlc: HlcTimestamp[];
  /** l − pt at each event. */
  hlcLead: number[];
}

/** Runs every clock over the execution by the usual rules: tick on local/send, merge then tick on receive. */
function stamp(events: readonly ExecutionEvent[]): Stamps {
  const out: Stamps = { lamport: [], vector: [], hlc: [], hlcLead: [] };
  const lamport = new Map<number, LamportClock>();
  const vector = new Map<number, VectorClock>();
  const hlc = new Map<number, HybridLogicalClock>();
  let physical = 0;
  for (const e of events) {
    physical = e.physicalMs;
    if (!lamport.has(e.proc)) {
      lamport.set(e.proc, new LamportClock());
      hlc.set(e.proc, new HybridLogicalClock(() => physical));
    }
    const l = lamport.get(e.proc)!;
    const h = hlc.get(e.proc)!;
    let v = vector.get(e.proc) ?? VECTOR_ZERO;
    if (e.from === undefined) {
      out.lamport.push(l.tick());
      out.hlc.push(h.tick());
    } else {
      out.lamport.push(l.receive(out.lamport[e.from]!));
      const receipt = h.receive(out.hlc[e.from]!);
      if (!receipt.ok) throw new Error(receipt.reason);
      out.hlc.push(receipt.ts);
      v = vectorMerge(v, out.vector[e.from]!);
    }
    v = vectorTick(v, e.proc);
    vector.set(e.proc, v);
    out.vector.push(v);
    out.hlcLead.push(out.hlc[e.index]!.l - e.physicalMs);
  }
  return out;
}

describe("clocks on random message-passing executions", () => {
  it("Lamport: a → b implies C(a) < C(b) (the clock condition, Lamport 1978)", () => {
    fc.assert(
      fc.property(execution, (events) => {
        const hb = happenedBefore(events);
        const { lamport } = stamp(events);
        for (const b of events) {
          for (const a of hb[b.index]!) expect(lamport[a]!).toBeLessThan(lamport[b.index]!);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("vector clocks characterise happened-before exactly: V(a) < V(b) iff a → b", () => {
    fc.assert(
      fc.property(execution, (events) => {
        const hb = happenedBefore(events);
        const { vector } = stamp(events);
        for (const a of events) {
          for (const b of events) {
            const order = vectorCompare(vector[a.index]!, vector[b.index]!);
            const expected =
              a.index === b.index
                ? "equal"
                : hb[b.index]!.has(a.index)
                  ? "before"
                  : hb[a.index]!.has(b.index)
                    ? "after"
                    : "concurrent";
            expect(order, `events ${a.index} and ${b.index}`).toBe(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("HLC: a → b implies ts(a) < ts(b), and 0 ≤ l − pt ≤ ε under random skews (Kulkarni et al. 2014)", () => {
    fc.assert(
      fc.property(execution, (events) => {
        const hb = happenedBefore(events);
        const { hlc, hlcLead } = stamp(events);
        for (const b of events) {
          for (const a of hb[b.index]!) expect(compareHlc(hlc[a]!, hlc[b.index]!)).toBeLessThan(0);
          expect(hlcLead[b.index]!).toBeGreaterThanOrEqual(0);
          expect(hlcLead[b.index]!).toBeLessThanOrEqual(SKEW_BOUND_MS);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the generator is not vacuous: executions contain receives and concurrent pairs", () => {
    const samples = fc.sample(execution, { numRuns: 200, seed: 7 });
    const receives = samples.flat().filter((e) => e.kind === "receive").length;
    const concurrent = samples.some((events) => {
      const { vector } = stamp(events);
      return vector.some((a, i) =>
        vector.some((b, j) => i < j && vectorCompare(a, b) === "concurrent"),
      );
    });
    expect(receives).toBeGreaterThan(100);
    expect(concurrent).toBe(true);
  });
});
