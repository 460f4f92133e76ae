import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HybridLogicalClock } from "./hlc.js";
import { LamportClock } from "./lamport.js";
import { vectorCompare, vectorFrom, vectorMerge, vectorTick } from "./vector.js";
import {
  decodeVector,
  decodeVectorDelta,
  encodeVector,
  encodeVectorDelta,
} from "./vector-codec.js";

const clock = fc
  .array(fc.oneof(fc.constant(0), fc.nat(5), fc.nat(Number.MAX_SAFE_INTEGER)), { maxLength: 40 })
  .map(vectorFrom);

describe("vector clock operations", () => {
  it("decode(encode(v)) = v, and the delta form round-trips against any base", () => {
    fc.assert(
      fc.property(clock, clock, (v, base) => {
        expect(decodeVector(encodeVector(v))).toEqual(v);
        expect(decodeVectorDelta(encodeVectorDelta(v, base), base)).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it("the encoding is compact: one active writer in a 10,000-node cluster costs a few bytes", () => {
    const v = vectorTick(vectorTick([], 9_999), 9_999);
    expect(encodeVector(v).length).toBeLessThanOrEqual(4);
    const base = vectorFrom(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(encodeVectorDelta(vectorTick(base, 3), base).length).toBeLessThanOrEqual(4);
  });

  it("merge is the least upper bound and compare is antisymmetric", () => {
    fc.assert(
      fc.property(clock, clock, (a, b) => {
        const m = vectorMerge(a, b);
        expect(["after", "equal"]).toContain(vectorCompare(m, a));
        expect(["after", "equal"]).toContain(vectorCompare(m, b));
        expect(vectorMerge(b, a)).toEqual(m);
        const flip = { before: "after", after: "before", equal: "equal", concurrent: "concurrent" };
        expect(vectorCompare(b, a)).toBe(flip[vectorCompare(a, b)]);
      }),
    );
  });

  it("compare names all four relations", () => {
    expect(vectorCompare([1, 2], [1, 3])).toBe("before");
    expect(vectorCompare([2, 3], [1, 3])).toBe("after");
    expect(vectorCompare([1, 0, 0], [1])).toBe("equal");
    expect(vectorCompare([2, 1], [1, 2])).toBe("concurrent");
  });

  it("malformed bytes and entries get an error that says where", () => {
    expect(() => decodeVector(Uint8Array.from([2, 0, 0x85]))).toThrow(/truncated varint at byte 3/);
    expect(() => decodeVector(Uint8Array.from([1, 0, 5, 9]))).toThrow(/1 trailing bytes at byte 3/);
    expect(() => decodeVector(Uint8Array.from([0xff, 0xff, 0x7f]))).toThrow(/cannot fit/);
    expect(() => vectorFrom([1, -2])).toThrow(/vector clock\[1\]: expected a non-negative/);
    expect(() => vectorTick([], -1)).toThrow(/node id/);
  });
});

describe("Lamport and HLC input checks", () => {
  it("Lamport refuses a malformed remote value", () => {
    expect(() => new LamportClock().receive(-1)).toThrow(/remote: expected a non-negative/);
    expect(new LamportClock(4).receive(9)).toBe(10);
  });

  it("HLC refuses a remote far ahead of physical time, and a malformed one, leaving the clock unchanged", () => {
    let now = 1_000;
    const h = new HybridLogicalClock(() => now, { maxOffsetMs: 100 });
    h.tick();
    expect(h.receive({ l: 1_200, c: 0 })).toMatchObject({ ok: false });
    expect(h.receive({ l: 1_050, c: -1 })).toMatchObject({ ok: false, reason: /c: expected/ });
    expect(h.last).toEqual({ l: 1_000, c: 0 });
    expect(h.receive({ l: 1_050, c: 3 })).toEqual({ ok: true, ts: { l: 1_050, c: 4 } });
    now = 1_060;
    expect(h.tick()).toEqual({ l: 1_060, c: 0 });
  });
});
