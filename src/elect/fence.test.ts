import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Fence, FencedRegister } from "./fence.js";

describe("fence", () => {
  it("admits equal and newer epochs, rejects older ones with the reason", () => {
    const f = new Fence();
    expect(f.admit(3)).toEqual({ ok: true });
    expect(f.admit(3)).toEqual({ ok: true });
    expect(f.admit(5)).toEqual({ ok: true });
    expect(f.admit(4)).toEqual({ ok: false, reason: "stale epoch 4: epoch 5 already admitted" });
    expect(f.highestEpoch()).toBe(5);
    expect(f.counts()).toEqual({ admitted: 3, rejected: 1 });
  });

  it("rejects malformed epochs and never admits them", () => {
    const f = new Fence();
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(f.admit(bad)).toEqual({
        ok: false,
        reason: `epoch: expected a non-negative integer, got ${String(bad)}`,
      });
    }
    expect(f.highestEpoch()).toBe(-1);
  });

  it("a fenced register keeps a stale leader's write out and its value unchanged", () => {
    const r = new FencedRegister<string>();
    expect(r.write(1, "old leader").ok).toBe(true);
    expect(r.write(2, "new leader").ok).toBe(true);
    expect(r.write(1, "old leader again").ok).toBe(false);
    expect(r.read()).toBe("new leader");
    expect(r.history().map((w) => w.epoch)).toEqual([1, 2]);
  });

  it("property: admitted epochs never decrease; a request is admitted iff no newer one was", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { maxLength: 60 }), (epochs) => {
        const r = new FencedRegister<number>();
        let highest = -1;
        epochs.forEach((e, i) => {
          expect(r.write(e, i).ok).toBe(e >= highest);
          highest = Math.max(highest, e);
        });
        const admitted = r.history().map((w) => w.epoch);
        expect(admitted).toEqual([...admitted].sort((a, b) => a - b));
        expect(r.counts().admitted + r.counts().rejected).toBe(epochs.length);
      }),
    );
  });
});
