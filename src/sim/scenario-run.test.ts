import { describe, expect, it } from "vitest";
import { findScenario } from "../scenarios/index.js";
import type { AnyScenario } from "./scenario.js";
import {
  checkDeterminism,
  executePlan,
  lifecycleOf,
  planRun,
  RunSetupError,
} from "./scenario-run.js";
import { toFaultSpec } from "./schedule.js";
import { formatSettings, formatSummary } from "./summary.js";
import { DROP_REASONS } from "./types.js";

const scenario = (name: string): AnyScenario => {
  const found = findScenario(name);
  if (found === undefined) throw new Error(`no scenario ${name}`);
  return found;
};

describe("running scenarios", () => {
  it("a fault-free pingpong passes and its summary carries every documented field", () => {
    const { summary } = executePlan(planRun(scenario("pingpong"), { seed: 3 }));
    expect(summary.violations).toEqual([]);
    expect(summary.scenario).toBe("pingpong");
    expect(summary.seed).toBe(3);
    expect(summary.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(summary.virtualMs).toBe(5000);
    expect(summary.messages.delivered).toBeGreaterThan(250);
    expect(Object.keys(summary.messages.dropped).sort()).toEqual([...DROP_REASONS].sort());
    expect(summary.faults).toEqual([]);
    expect(summary.replay).toBe(
      "cohort sim pingpong --seed 3 --nodes 3 --duration 5000 --nemesis none",
    );
    expect(formatSummary(summary)).toMatch(/ok: every check held/);
  });

  it("same seed, same trace hash; another seed, another hash", () => {
    const run = (seed: number) =>
      executePlan(
        planRun(scenario("pingpong-fragile"), {
          seed,
          nemesis: { verbs: ["loss", "delay"], ratePerSec: 2 },
        }),
      ).summary;
    expect(run(5).traceHash).toBe(run(5).traceHash);
    expect(run(5)).toEqual({ ...run(5), wallMs: expect.any(Number) });
    expect(run(5).traceHash).not.toBe(run(6).traceHash);
  });

  it("the scenario's check reports a violation, and the failure names its replay command", () => {
    const failing = findFailingFragileSeed();
    expect(failing.violations[0]).toMatch(
      /^t=[\d.]+ms n\d assertion in message handler: n\d got ping #\d+ from n\d twice$/,
    );
    expect(formatSummary(failing)).toMatch(
      /replay: cohort sim pingpong-fragile --seed \d+ .*--nemesis random --rate 2$/,
    );
  });

  it("--check-determinism finds two runs of a seed identical", () => {
    const report = checkDeterminism(planRun(scenario("pingpong-fragile"), { seed: 9 }));
    expect(report.same).toBe(true);
    expect(report.first.traceHash).toBe(report.second.traceHash);
  });

  it("--check-determinism reports the first differing trace line of a run that is not deterministic", () => {
    // A scenario that leaks state between runs (a module-level counter): the second run differs.
    let leaked = 0;
    const base = scenario("pingpong");
    const leaky: AnyScenario = {
      ...base,
      name: "leaky",
      create: (id, n) => {
        const node = base.create(id, n);
        const start = node.start.bind(node);
        leaked += 1;
        const extra = leaked > n ? 1 : 0;
        node.start = (env, recovered) => {
          start(env, recovered);
          if (extra === 1) env.emit({ type: "leak" });
        };
        return node;
      },
    };
    const report = checkDeterminism(planRun(leaky, { seed: 1 }));
    expect(report.same).toBe(false);
    expect(report.difference).toMatch(
      /^traceHash [0-9a-f]{16} vs [0-9a-f]{16}\nfirst difference at trace line \d+:\n {2}run 1: .*\n {2}run 2: .*"leak"/,
    );
  });

  it("explicit faults are injected when they say and appear in the summary", () => {
    const plan = planRun(scenario("pingpong"), {
      seed: 1,
      nodes: 5,
      faults: [
        { at: 1000, fault: "partition", shape: "isolate", healAt: 3000 },
        { at: 2000, fault: "crash", node: 3 },
      ],
    });
    expect(formatSettings("pingpong", 1, plan.settings)).toBe(
      "SEED=1 scenario=pingpong nodes=5 durationMs=5000 nemesis=none ratePerSec=0 explicitFaults=2",
    );
    const { summary } = executePlan(plan);
    expect(summary.faults).toHaveLength(2);
    const [partition, crash] = summary.faults;
    expect(partition).toMatchObject({
      at: 1000,
      fault: "partition",
      shape: "isolate",
      healAt: 3000,
    });
    expect(crash).toEqual({ at: 2000, fault: "crash", node: 3 });
    expect(summary.messages.dropped.partition).toBeGreaterThan(0);
    expect(summary.messages.dropped.crashed).toBeGreaterThan(0);
  });

  it("a check that throws is reported as a violation, not a crash", () => {
    const throwing: AnyScenario = {
      ...scenario("pingpong"),
      check: () => {
        throw new Error("boom");
      },
    };
    const { summary } = executePlan(planRun(throwing, { seed: 1 }));
    expect(summary.violations).toEqual(["pingpong check threw: boom"]);
  });

  it("derives when nodes went down and up, ignoring a crash of a node already down", () => {
    const plan = planRun(scenario("pingpong"), {
      seed: 1,
      faults: [
        { at: 100, fault: "crash", node: 1, healAt: 900 },
        { at: 200, fault: "crash", node: 1 },
        { at: 300, fault: "restart", node: 2, downMs: 50 },
        { at: 400, fault: "failstop", node: 0 },
      ],
    });
    const { summary } = executePlan(plan);
    expect(summary.faults).toHaveLength(4);
    const records = summary.faults.map((f, id) => ({
      id,
      spec: toFaultSpec(f),
      atMs: f.at,
      ...(f.healAt === undefined ? {} : { healedAtMs: f.healAt }),
    }));
    expect(lifecycleOf(records).map((e) => `${e.t} n${e.node} ${e.change} ${e.cause}`)).toEqual([
      "100 n1 down crash",
      "300 n2 down restart",
      "350 n2 up restart",
      "400 n0 down failstop",
      "900 n1 up crash",
    ]);
  });

  it("rejects settings the scenario cannot run, naming the setting", () => {
    expect(() => planRun(scenario("pingpong-fragile"), { seed: 1, nodes: 1 })).toThrow(
      RunSetupError,
    );
    expect(() => planRun(scenario("pingpong-fragile"), { seed: 1, nodes: 1 })).toThrow(
      "nodes: pingpong-fragile runs 2..100000 nodes, got 1",
    );
    expect(() =>
      planRun(scenario("pingpong"), {
        seed: 1,
        nodes: 3,
        faults: [{ at: 1, fault: "crash", node: 3 }],
      }),
    ).toThrow("faults[0].node: expected a node id below the node count 3, got 3");
  });
});

function findFailingFragileSeed() {
  for (let seed = 0; seed < 50; seed++) {
    const { summary } = executePlan(planRun(scenario("pingpong-fragile"), { seed }));
    if (summary.violations.length > 0) return summary;
  }
  throw new Error("no failing seed of pingpong-fragile in 0..49");
}
