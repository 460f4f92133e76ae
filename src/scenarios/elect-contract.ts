import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/index.js";
import { type splitBrainOf, viewsAt } from "../elect/index.js";
import type { AnyScenario } from "../sim/scenario.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import type { ScheduledFault } from "../sim/schedule.js";
import type { ElectScenario } from "./elect-scenario.js";

/** One election algorithm as the shared contract suite runs it. */
export interface ElectionCase {
  /** Its `elect-*` scenario (liveness check with its bound). */
  readonly scenario: ElectScenario<unknown, unknown>;
  /** The bound the scenario states, ms. */
  readonly boundMs: number;
  /**
   * Whom it elects among `live` nodes when all are connected (e.g. the highest
   * id); undefined when that depends on the run (invitation), and only
   * agreement is checked.
   */
  readonly winner: (live: readonly NodeId[]) => NodeId | undefined;
  /**
   * True for algorithms in which every node first leads alone (invitation):
   * split brain is then expected while groups merge, and the contract only
   * asks that it end within the bound of the start or of the crash.
   */
  readonly splitWhileMerging?: boolean;
  /** Seeds of the random sweep; default 40. */
  readonly seeds?: number;
  /** Length of each random run; default 40 s. */
  readonly sweepDurationMs?: number;
}

/** Runs `scenario` with scripted faults only (no random nemesis). */
export function scripted(
  scenario: AnyScenario,
  faults: readonly ScheduledFault[],
  durationMs: number,
  seed = 1,
  nodes = 5,
) {
  return executePlan(planRun(scenario, { seed, nodes, nemesis: "none", faults, durationMs }));
}

/** The view of a run the election checks read, rebuilt from a summary-less run: re-run with the engine. */
function electionEvents(
  scenario: ElectScenario<unknown, unknown>,
  plan: ReturnType<typeof planRun>,
) {
  let split: ReturnType<typeof splitBrainOf> | undefined;
  let views: ReturnType<typeof viewsAt> | undefined;
  let epochsMonotone = true;
  let alternates = true;
  const wrapped: AnyScenario = {
    ...scenario,
    check(run) {
      split = scenario.splitBrain(run);
      const er = {
        nodeCount: run.nodeCount,
        endMs: run.endMs,
        events: run.events,
        lifecycle: run.lifecycle,
      };
      views = viewsAt(er, run.endMs);
      const lastEpoch = new Map<NodeId, number>();
      const believing = new Map<NodeId, boolean>();
      const downs = run.lifecycle.filter((l) => l.change === "down");
      let d = 0;
      for (const e of run.events) {
        for (; d < downs.length && (downs[d]?.t ?? 0) <= e.t; d++) {
          believing.set(downs[d]?.node ?? -1, false);
        }
        if (e.event.type === "leader" && typeof e.event.epoch === "number") {
          if (e.event.epoch < (lastEpoch.get(e.node) ?? 0)) epochsMonotone = false;
          lastEpoch.set(e.node, e.event.epoch);
        }
        if (e.event.type === "believe-leader") {
          if (believing.get(e.node) === true) alternates = false;
          believing.set(e.node, true);
        }
        if (e.event.type === "step-down") {
          if (believing.get(e.node) !== true) alternates = false;
          believing.set(e.node, false);
        }
      }
      return scenario.check(run);
    },
  };
  const { summary } = executePlan({ ...plan, scenario: wrapped });
  return { summary, split: split!, views: views!, epochsMonotone, alternates };
}

/**
 * The election contract every algorithm passes in the simulator: agreement
 * on the expected winner without faults and without split brain; a crashed
 * leader replaced within the bound by the expected winner of the rest, in a
 * higher epoch; liveness after a partition heals, after a loss burst and
 * after the leader restarts; epochs never decrease at any node; believe and
 * step-down alternate; and a random sweep of crash, restart, partition and
 * loss with no violation.
 */
export function electionContract(c: ElectionCase): void {
  const s = c.scenario;
  const all = [0, 1, 2, 3, 4];
  const run = (faults: readonly ScheduledFault[], durationMs: number, seed = 1) =>
    electionEvents(s, planRun(s, { seed, nodes: 5, nemesis: "none", faults, durationMs }));

  describe(`${s.name}: election contract`, () => {
    it("without faults: all follow the expected winner, no split brain", () => {
      const r = run([], 10_000);
      expect(r.summary.violations).toEqual([]);
      const w = c.winner(all) ?? r.views.views[0]?.leader ?? -1;
      expect(r.views.views).toEqual(all.map(() => ({ leader: w, epoch: r.views.views[w]?.epoch })));
      if (c.splitWhileMerging === true) {
        expect(r.split.intervals.filter((x) => x.toMs > c.boundMs)).toEqual([]);
      } else {
        expect(r.split.intervals).toEqual([]);
      }
    });

    it("the leader crashes: the rest follow their expected winner in a higher epoch, within the bound", () => {
      const w = c.winner(all) ?? run([], 3000).views.views[0]?.leader ?? -1;
      const before = run([], 3000).views.views[w]?.epoch ?? 0;
      const r = run([{ at: 3000, fault: "crash", node: w }], 3000 + c.boundMs + 1000);
      expect(r.summary.violations).toEqual([]);
      const rest = all.filter((id) => id !== w);
      const v = r.views.views[rest[0] ?? 0];
      expect(v?.leader).toBe(c.winner(rest) ?? v?.leader);
      expect(v?.leader).not.toBe(w);
      expect(v?.epoch).toBeGreaterThan(before);
      const late = c.splitWhileMerging === true ? 3000 + c.boundMs : 0;
      expect(r.split.intervals.filter((x) => x.toMs > late)).toEqual([]);
      expect(r.epochsMonotone && r.alternates).toBe(true);
    });

    it("a partition heals: one leader again within the bound", () => {
      const groups = [
        [0, 1],
        [2, 3, 4],
      ];
      const r = run(
        [{ at: 2000, fault: "partition", groups, healAt: 6000 }],
        6000 + c.boundMs + 1000,
      );
      expect(r.summary.violations).toEqual([]);
      const w = c.winner(all) ?? r.views.views[0]?.leader;
      expect(r.views.views.map((v) => v?.leader)).toEqual(all.map(() => w));
      expect(r.epochsMonotone && r.alternates).toBe(true);
    });

    it("a loss burst and a restart of the leader: one leader again within the bound", () => {
      const w = c.winner(all) ?? run([], 6000).views.views[0]?.leader ?? -1;
      const faults: ScheduledFault[] = [
        { at: 2000, fault: "loss", probability: 0.3, healAt: 5000 },
        { at: 6000, fault: "restart", node: w, downMs: 1500 },
      ];
      const r = run(faults, 7500 + c.boundMs + 1000);
      expect(r.summary.violations).toEqual([]);
      expect(r.summary.messages.dropped.loss).toBeGreaterThan(0);
      const after = c.winner(all) === undefined ? r.views.views[0]?.leader : w;
      expect(r.views.views.map((v) => v?.leader)).toEqual(all.map(() => after));
      expect(r.epochsMonotone && r.alternates).toBe(true);
    });

    it(`${c.seeds ?? 40} random seeds (crash, restart, partition, loss): no violations, and the check judged most`, () => {
      const failing: { seed: number; violations: readonly string[] }[] = [];
      let judged = 0;
      for (let seed = 0; seed < (c.seeds ?? 40); seed++) {
        const plan = planRun(s, { seed, durationMs: c.sweepDurationMs ?? 40_000 });
        const r = electionEvents(s, plan);
        const calm = Math.max(
          0,
          ...r.summary.faults.map((f) =>
            "healAt" in f && f.healAt !== undefined ? f.healAt : f.at,
          ),
        );
        if (calm + c.boundMs <= r.summary.virtualMs) judged += 1;
        if (!r.epochsMonotone) failing.push({ seed, violations: ["epochs"] });
        if (!r.alternates) failing.push({ seed, violations: ["beliefs"] });
        if (r.summary.violations.length > 0)
          failing.push({ seed, violations: r.summary.violations });
      }
      expect(failing).toEqual([]);
      expect(judged).toBeGreaterThan((c.seeds ?? 40) / 2);
    });
  });
}
