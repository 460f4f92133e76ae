import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "./event-queue.js";

describe("EventQueue", () => {
  it("property: pops by time, then by push order, across growth and interleaved pops", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 3000 }),
        (ops) => {
          const q = new EventQueue(16);
          const model: { time: number; order: number; slot: number }[] = [];
          let order = 0;
          for (const op of ops) {
            if (op >= 0) {
              const slot = q.alloc();
              q.node[slot] = order;
              q.push(op, slot);
              model.push({ time: op, order: order++, slot });
            } else if (model.length > 0) {
              model.sort((a, b) => a.time - b.time || a.order - b.order);
              const expected = model.shift()!;
              const slot = q.pop();
              expect(q.lastTime).toBe(expected.time);
              expect(q.node[slot]).toBe(expected.order);
              q.free(slot);
            }
          }
          expect(q.size).toBe(model.length);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("ids name a live allocation only", () => {
    const q = new EventQueue(16);
    const slot = q.alloc();
    const id = q.id[slot]!;
    expect(q.slotOf(id)).toBe(slot);
    q.free(slot);
    const again = q.alloc();
    expect(again).toBe(slot);
    expect(q.slotOf(id)).toBe(-1);
    expect(q.pop()).toBe(-1);
  });
});
