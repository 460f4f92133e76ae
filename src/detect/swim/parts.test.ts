import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BroadcastQueue, retransmitLimit } from "./broadcasts.js";
import type { SwimState } from "./messages.js";
import { overrides } from "./precedence.js";
import { ProbeOrder } from "./probe-order.js";
import { expectedConfirmations, suspicionBoundsMs, suspicionTimeoutMs } from "./suspicion.js";

const at = (state: SwimState, incarnation: number) => ({ state, incarnation });

describe("SWIM §4.2: which update overrides which", () => {
  it("Alive(i) overrides Suspect(j) and Alive(j) only when i > j", () => {
    expect(overrides(at("suspect", 3), at("alive", 4))).toBe(true);
    expect(overrides(at("suspect", 3), at("alive", 3))).toBe(false);
    expect(overrides(at("alive", 3), at("alive", 4))).toBe(true);
    expect(overrides(at("alive", 3), at("alive", 3))).toBe(false);
  });

  it("Suspect(i) overrides Suspect(j) when i > j, and Alive(j) when i >= j", () => {
    expect(overrides(at("suspect", 3), at("suspect", 4))).toBe(true);
    expect(overrides(at("suspect", 3), at("suspect", 3))).toBe(false);
    expect(overrides(at("alive", 3), at("suspect", 3))).toBe(true);
    expect(overrides(at("alive", 4), at("suspect", 3))).toBe(false);
  });

  it("Confirm (dead) overrides Alive and Suspect of the same or an older incarnation", () => {
    expect(overrides(at("alive", 3), at("dead", 3))).toBe(true);
    expect(overrides(at("suspect", 2), at("dead", 3))).toBe(true);
    // memberlist's deviation from the paper: a stale confirmation does not kill a rejoined member
    expect(overrides(at("alive", 4), at("dead", 3))).toBe(false);
  });

  it("only a higher Alive brings back a dead member; unknown members enter only alive or suspect", () => {
    expect(overrides(at("dead", 3), at("alive", 4))).toBe(true);
    expect(overrides(at("dead", 3), at("suspect", 9))).toBe(false);
    expect(overrides(undefined, at("alive", 0))).toBe(true);
    expect(overrides(undefined, at("dead", 0))).toBe(false);
    expect(overrides(at("left", 2), at("dead", 5))).toBe(false);
  });

  it("property: the relation is irreflexive (an update never overrides itself)", () => {
    const st = fc.constantFrom<SwimState>("alive", "suspect", "dead", "left");
    fc.assert(
      fc.property(st, fc.nat(100), (s, i) => {
        expect(overrides(at(s, i), at(s, i))).toBe(false);
      }),
    );
  });
});

describe("SWIM §4.1: infection-style dissemination with a retransmit limit", () => {
  it("the limit is λ·⌈log10(n+1)⌉", () => {
    expect(retransmitLimit(4, 5)).toBe(4);
    expect(retransmitLimit(4, 9)).toBe(4);
    expect(retransmitLimit(4, 10)).toBe(8);
    expect(retransmitLimit(4, 4096)).toBe(16);
  });

  it("each update is sent exactly `limit` times, least-sent first, then dropped", () => {
    const q = new BroadcastQueue();
    q.push({ member: 1, state: "suspect", incarnation: 0, source: 0 });
    q.push({ member: 2, state: "alive", incarnation: 1, source: 2 });
    const sends = new Map<number, number>();
    for (let i = 0; i < 20; i++) {
      for (const u of q.take(1, 3)) sends.set(u.member, (sends.get(u.member) ?? 0) + 1);
    }
    expect([...sends.entries()].sort()).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(q.size).toBe(0);
  });

  it("a newer update about a member replaces the queued one; the buddy's update goes first", () => {
    const q = new BroadcastQueue();
    q.push({ member: 1, state: "suspect", incarnation: 0, source: 0 });
    q.push({ member: 2, state: "suspect", incarnation: 0, source: 0 });
    q.push({ member: 1, state: "alive", incarnation: 1, source: 1 });
    expect(q.size).toBe(2);
    expect(q.take(1, 5, 2).map((u) => u.member)).toEqual([2]);
    expect(q.take(2, 5)).toEqual([
      { member: 1, state: "alive", incarnation: 1, source: 1 },
      { member: 2, state: "suspect", incarnation: 0, source: 0 },
    ]);
  });
});

describe("SWIM §4.3: randomized round-robin probe targets", () => {
  it("every pass probes each member exactly once, in a fresh random order", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const order = new ProbeOrder(random);
    for (const id of [1, 2, 3, 4, 5, 6]) order.add(id);
    const passes: number[][] = [];
    for (let p = 0; p < 4; p++) {
      passes.push(Array.from({ length: 6 }, () => order.next(() => true)!));
    }
    for (const pass of passes) expect([...pass].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(passes.map((p) => p.join())).size).toBeGreaterThan(1);
  });

  it("so a given member is probed within 2(n−1)−1 periods, whatever the shuffle", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 50 }),
        (draws) => {
          let i = 0;
          const order = new ProbeOrder(() => draws[i++ % draws.length]!);
          const members = [1, 2, 3, 4, 5];
          for (const id of members) order.add(id);
          const seq = Array.from({ length: 40 }, () => order.next(() => true)!);
          let last = -1;
          for (let k = 0; k < seq.length; k++) {
            if (seq[k] !== 3) continue;
            expect(k - last).toBeLessThanOrEqual(2 * members.length - 1);
            last = k;
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("skips members that may not be probed, and gives up when none may", () => {
    const order = new ProbeOrder(() => 0.5);
    for (const id of [1, 2, 3]) order.add(id);
    expect(order.next((id) => id === 2)).toBe(2);
    expect(order.next(() => false)).toBeUndefined();
  });
});

describe("Lifeguard §IV-B: dynamic suspicion timeouts", () => {
  it("start at the maximum and shrink to the minimum at k confirmations", () => {
    expect(suspicionTimeoutMs(0, 2, 400, 2400)).toBe(2400);
    expect(suspicionTimeoutMs(1, 2, 400, 2400)).toBe(
      Math.floor(2400 - (Math.log(2) / Math.log(3)) * 2000),
    );
    expect(suspicionTimeoutMs(2, 2, 400, 2400)).toBe(400);
    expect(suspicionTimeoutMs(9, 2, 400, 2400)).toBe(400);
  });

  it("never grow with more confirmations, and stay within [min, max]", () => {
    fc.assert(
      fc.property(fc.nat(20), fc.nat(10), (c, k) => {
        const a = suspicionTimeoutMs(c, k, 500, 3000);
        const b = suspicionTimeoutMs(c + 1, k, 500, 3000);
        expect(b).toBeLessThanOrEqual(a);
        expect(a).toBeGreaterThanOrEqual(500);
        expect(a).toBeLessThanOrEqual(3000);
      }),
    );
  });

  it("scale with log10 of the group size, and expect mult−2 confirmations when the group can give them", () => {
    expect(suspicionBoundsMs(4, 6, 5, 1000)).toEqual({ minMs: 4000, maxMs: 24000 });
    expect(suspicionBoundsMs(4, 6, 1000, 1000)).toEqual({ minMs: 12000, maxMs: 72000 });
    expect(expectedConfirmations(4, 64)).toBe(2);
    expect(expectedConfirmations(4, 3)).toBe(0);
  });
});
