import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VersionedMap, type WireEntry } from "./versioned-map.js";

const TTL = { certTtlMs: 1_000, dormantTtlMs: 5_000, isKeeper: () => false };

/**
 * A write. A version names exactly one write (the writer's HLC timestamp and id), so the
 * value and whether it is a delete are functions of the key and version.
 */
const entry: fc.Arbitrary<WireEntry> = fc
  .record({
    key: fc.constantFrom("a", "b", "c", "d"),
    l: fc.integer({ min: 0, max: 20 }),
    c: fc.integer({ min: 0, max: 3 }),
    node: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ key, l, c, node }) =>
    (l + c + node) % 4 === 0
      ? { key, value: null, version: { l, c, node }, deleted: true, certAgeMs: 0 }
      : { key, value: `${key}${l}.${c}.${node}`, version: { l, c, node }, deleted: false },
  );

const writes = fc.array(entry, { maxLength: 30 });

function mapOf(entries: readonly WireEntry[]): VersionedMap {
  const map = new VersionedMap(TTL);
  for (const e of entries) map.merge(e, 0);
  return map;
}

describe("VersionedMap (last writer wins, death certificates)", () => {
  it("merging the same writes in any order gives the same contents, digest and checksum", () => {
    fc.assert(
      fc.property(
        writes.chain((ws) =>
          fc.tuple(fc.constant(ws), fc.shuffledSubarray(ws, { minLength: ws.length })),
        ),
        ([ws, shuffled]) => {
          const a = mapOf(ws);
          const b = mapOf(shuffled);
          expect(b.live()).toEqual(a.live());
          expect(b.digest()).toEqual(a.digest());
          expect(b.checksum()).toBe(a.checksum());
        },
      ),
      { numRuns: 300 },
    );
  });

  it("one digest exchange both ways (push-pull) makes two replicas equal", () => {
    fc.assert(
      fc.property(writes, writes, (left, right) => {
        const a = mapOf(left);
        const b = mapOf(right);
        const { ahead, behind } = a.diff(b.digest());
        for (const e of a.entries(ahead, 0)) b.merge(e, 0);
        for (const e of b.entries(behind, 0)) a.merge(e, 0);
        expect(a.live()).toEqual(b.live());
        expect(a.checksum()).toBe(b.checksum());
      }),
      { numRuns: 300 },
    );
  });

  it("a certificate's age travels with it and only grows, so a bounced certificate still expires", () => {
    const a = new VersionedMap(TTL);
    const b = new VersionedMap(TTL);
    a.merge(
      { key: "k", value: null, version: { l: 5, c: 0, node: 1 }, deleted: true, certAgeMs: 0 },
      100,
    );
    const [sent] = a.entries(["k"], 700);
    expect(sent?.certAgeMs).toBe(600);
    b.merge(sent!, 5_000);
    expect(b.expire(5_399).dropped).toEqual([]);
    expect(b.expire(5_400).dropped).toEqual(["k"]);
    const [late] = a.entries(["k"], 1_200);
    expect(late?.certAgeMs).toBe(1_100);
    b.merge(late!, 6_000);
    expect(b.counts()).toEqual({ live: 0, certificates: 0, dormant: 0 });
  });
});
