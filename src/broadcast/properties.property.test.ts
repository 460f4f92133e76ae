import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judgeBroadcast, type TracedEvent } from "./properties.js";

/** A random execution: each step a node broadcasts, or delivers some broadcast it has not (in any order). */
const execution = fc
  .record({
    nodes: fc.integer({ min: 2, max: 4 }),
    steps: fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.nat()), { minLength: 1, maxLength: 40 }),
  })
  .map(({ nodes, steps }) => {
    const events: TracedEvent[] = [];
    const sent: string[] = [];
    const delivered = Array.from({ length: nodes }, () => new Set<string>());
    let t = 0;
    for (const [who, broadcast, pick] of steps) {
      const node = who % nodes;
      const open = sent.filter((id) => !delivered[node]!.has(id));
      if (broadcast || open.length === 0) {
        const id = `m${sent.length}`;
        sent.push(id);
        events.push({ t: t++, node, event: { type: "broadcast", id, origin: node, body: id } });
      } else {
        const id = open[pick % open.length]!;
        delivered[node]!.add(id);
        const origin = events.find((e) => e.event.type === "broadcast" && e.event.id === id)!.node;
        events.push({ t: t++, node, event: { type: "deliver", id, origin, body: id } });
      }
    }
    return events;
  });

/**
 * Causal violations by the definition, brute force: happened-before over
 * events is the transitive closure of program order and broadcast → deliver;
 * m1 precedes m2 when m1's broadcast happened before m2's; delivering m2 at q
 * violates causal order when q has not yet delivered some m1 preceding m2.
 */
function bruteForceCausal(events: readonly TracedEvent[]): number {
  const n = events.length;
  const hb = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  const bcastAt = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.event.type === "broadcast") bcastAt.set(String(e.event.id), i);
  });
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) {
      const direct =
        events[i]!.node === events[j]!.node ||
        (events[j]!.event.type === "deliver" && bcastAt.get(String(events[j]!.event.id)) === i);
      if (direct) hb[i]![j] = true;
    }
  }
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      if (hb[i]![k]) for (let j = 0; j < n; j++) if (hb[k]![j]) hb[i]![j] = true;
  let violations = 0;
  events.forEach((e, j) => {
    if (e.event.type !== "deliver") return;
    const b2 = bcastAt.get(String(e.event.id))!;
    const done = new Set(
      events
        .slice(0, j)
        .filter((x) => x.node === e.node && x.event.type === "deliver")
        .map((x) => String(x.event.id)),
    );
    const missing = [...bcastAt].some(([id, b1]) => hb[b1]![b2] && !done.has(id));
    if (missing) violations++;
  });
  return violations;
}

describe("judgeBroadcast's causal order matches the definition", () => {
  it("on random executions it flags exactly the deliveries a brute-force happened-before flags", () => {
    let withViolations = 0;
    fc.assert(
      fc.property(execution, (events) => {
        const judged = judgeBroadcast(events, { ordering: "causal", correct: [], liveness: false });
        const expected = bruteForceCausal(events);
        expect(judged.length).toBe(expected);
        if (expected > 0) withViolations++;
      }),
      { numRuns: 300, seed: 6 },
    );
    expect(withViolations, "executions with causal violations to find").toBeGreaterThan(50);
  });
});
