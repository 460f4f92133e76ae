import { describe, expect, it } from "vitest";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { ProtocolNode } from "../core/protocol.js";
import { Simulation } from "../sim/index.js";
import { compareHlc, type HlcTimestamp, HybridLogicalClock } from "./hlc.js";
import { LamportClock } from "./lamport.js";
import { happenedBefore } from "./random-execution.js";
import { VECTOR_ZERO, type VectorClock, vectorCompare, vectorMerge, vectorTick } from "./vector.js";

interface Stamp {
  readonly lamport: number;
  readonly vector: VectorClock;
  readonly hlc: HlcTimestamp;
}
type Msg = { readonly type: "tick"; readonly id: string } & Stamp;

const EVENTS_PER_NODE = 40;

/** A node that makes random local and send events and stamps every event with all three clocks. */
class ClockNode implements ProtocolNode<Msg> {
  #env!: Env<Msg>;
  #lamport = new LamportClock();
  #vector: VectorClock = VECTOR_ZERO;
  #hlc!: HybridLogicalClock;
  #seq = 0;

  start(env: Env<Msg>): void {
    this.#env = env;
    this.#hlc = new HybridLogicalClock(() => env.now());
    env.setTimer(5 + env.random() * 25, "step");
  }

  onTimer(): void {
    if (this.#seq >= EVENTS_PER_NODE) return;
    const env = this.#env;
    const send = env.random() < 0.6;
    const stamp = this.#stamp(this.#lamport.tick(), this.#hlc.tick(), undefined);
    if (send) {
      const others = env.cluster.filter((id) => id !== env.self);
      const to = others[Math.floor(env.random() * others.length)]!;
      env.send(to, { type: "tick", id: stamp.id, ...stamp.stamp });
    }
    env.setTimer(5 + env.random() * 25, "step");
  }

  onMessage(_from: NodeId, msg: Msg): void {
    const receipt = this.#hlc.receive(msg.hlc);
    if (!receipt.ok) throw new Error(receipt.reason);
    this.#vector = vectorMerge(this.#vector, msg.vector);
    this.#stamp(this.#lamport.receive(msg.lamport), receipt.ts, msg.id);
  }

  #stamp(lamport: number, hlc: HlcTimestamp, from: string | undefined) {
    this.#vector = vectorTick(this.#vector, this.#env.self);
    const id = `${this.#env.self}:${this.#seq++}`;
    const stamp: Stamp = { lamport, vector: this.#vector, hlc };
    this.#env.emit({ type: "clockEvent", id, from, pt: this.#env.now(), ...stamp });
    return { id, stamp };
  }
}

interface Observed {
  index: number;
  proc: number;
  from?: number;
  t: number;
  pt: number;
  stamp: Stamp;
}

function observe(sim: Simulation<Msg>): Observed[] {
  const byId = new Map<string, number>();
  const out: Observed[] = [];
  for (const { t, node, event } of sim.events()) {
    if (event.type !== "clockEvent") continue;
    const e = event as unknown as Stamp & { id: string; from?: string; pt: number };
    const from = e.from === undefined ? undefined : byId.get(e.from);
    const base = { index: out.length, proc: node, t, pt: e.pt, stamp: e };
    out.push(from === undefined ? base : { ...base, from });
    byId.set(e.id, base.index);
  }
  return out;
}

describe("clocks on simulator executions under the clock nemesis", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: clock condition, vector clocks = happened-before, HLC within the skew bound`, () => {
      const sim = new Simulation<Msg>({
        seed,
        nodeCount: 4,
        create: () => new ClockNode(),
        validate: () => undefined,
      });
      sim.clock({ node: 1, skewMs: 300 });
      sim.clock({ node: 2, skewMs: -150 });
      sim.clock({ node: 3, driftPpm: 20_000 });
      sim.run(5_000);
      expect(sim.violation()).toBeUndefined();
      const events = observe(sim);
      expect(events.filter((e) => e.from !== undefined).length).toBeGreaterThan(50);
      const hb = happenedBefore(events);
      for (const b of events) {
        for (const a of hb[b.index]!) {
          expect(events[a]!.stamp.lamport).toBeLessThan(b.stamp.lamport);
          expect(compareHlc(events[a]!.stamp.hlc, b.stamp.hlc)).toBeLessThan(0);
        }
        for (const a of events) {
          if (a.index === b.index) continue;
          const order = vectorCompare(a.stamp.vector, b.stamp.vector);
          const expected = hb[b.index]!.has(a.index)
            ? "before"
            : hb[a.index]!.has(b.index)
              ? "after"
              : "concurrent";
          expect(order, `events ${a.index}, ${b.index}`).toBe(expected);
        }
      }
      // HLC bounded divergence: l − pt is at most the largest clock lead seen so far
      // minus this node's lead now, and within the nemesis's nominal bound
      // (300 ms skew + 150 ms the other way + 2% drift over 5 s = 550 ms).
      let leadMax = 0;
      for (const e of events) {
        leadMax = Math.max(leadMax, e.pt - e.t);
        const divergence = e.stamp.hlc.l - e.pt;
        expect(divergence).toBeGreaterThanOrEqual(0);
        expect(divergence).toBeLessThanOrEqual(leadMax - (e.pt - e.t) + 1e-9);
        expect(divergence).toBeLessThanOrEqual(550);
      }
      const worst = Math.max(...events.map((e) => e.stamp.hlc.l - e.pt));
      expect(worst, "the skew actually reached the HLC").toBeGreaterThan(100);
    });
  }
});
