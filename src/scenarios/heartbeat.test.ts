import { describe, expect, it } from "vitest";
import { heartbeatProtocol } from "../detect/heartbeat/protocol.js";
import { withoutEvents } from "../detect/testing/planted.js";
import type { AnyScenario } from "../sim/scenario.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import { FAULT_VERBS } from "../sim/types.js";
import { HEARTBEAT_SCENARIO_CONFIG, heartbeatScenario, heartbeatScenarioOf } from "./heartbeat.js";

function sweep(scenario: AnyScenario, seeds: number, request: Record<string, unknown> = {}) {
  const failing: { seed: number; violations: readonly string[]; faults: number }[] = [];
  let faults = 0;
  let crashes = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const { summary } = executePlan(planRun(scenario, { seed, ...request }));
    faults += summary.faults.length;
    // crashes the check judged: down for longer than the bound, before the end
    crashes += summary.faults.filter(
      (f) =>
        (f.fault === "crash" || f.fault === "failstop") &&
        (f.healAt ?? summary.virtualMs) - f.at > 551 &&
        f.at + 551 <= summary.virtualMs,
    ).length;
    if (summary.violations.length > 0)
      failing.push({ seed, violations: summary.violations, faults: summary.faults.length });
  }
  return { failing, faults, crashes };
}

describe("heartbeat scenario", () => {
  it("200 seeds under crash, partition and loss: no violations", () => {
    const { failing, faults, crashes } = sweep(heartbeatScenario, 200);
    expect(failing).toEqual([]);
    expect(crashes).toBeGreaterThan(200); // the sweep really crashed members
    expect(faults).toBeGreaterThan(1000);
  });

  it("100 seeds under every nemesis at once (the check grants latency spikes and judges replays from their heal): no violations", () => {
    const nemesis = { verbs: FAULT_VERBS, ratePerSec: 1 };
    const { failing, crashes } = sweep(heartbeatScenario, 100, { nemesis });
    expect(failing).toEqual([]);
    expect(crashes).toBeGreaterThan(50);
  });

  it("a scripted run: crash, partition and loss, each visible in the events", () => {
    const faults = [
      { at: 2000, fault: "crash", node: 4 },
      {
        at: 4000,
        fault: "partition",
        groups: [
          [0, 1],
          [2, 3],
        ],
        healAt: 6000,
      },
      { at: 7000, fault: "loss", probability: 0.5, healAt: 9000 },
    ] as const;
    const { summary } = executePlan(
      planRun(heartbeatScenario, { seed: 1, nemesis: "none", faults, durationMs: 12_000 }),
    );
    expect(summary.violations).toEqual([]);
    expect(summary.messages.dropped.crashed).toBeGreaterThan(0);
    expect(summary.messages.dropped.partition).toBeGreaterThan(0);
    expect(summary.messages.dropped.loss).toBeGreaterThan(0);
  });

  it("planted bug — a detector that never suspects — is caught", () => {
    const planted = heartbeatScenarioOf(
      "heartbeat-never-suspects",
      withoutEvents(heartbeatProtocol, ["suspect"]),
      HEARTBEAT_SCENARIO_CONFIG,
    );
    const { failing } = sweep(planted, 20);
    expect(failing.length).toBeGreaterThanOrEqual(15);
    expect(failing[0]!.violations[0]).toMatch(
      /^n\d+ did not suspect n\d+ within \d+ ms of its crash at/,
    );
  });

  it("planted bug — a detector that never trusts again — is caught", () => {
    const planted = heartbeatScenarioOf(
      "heartbeat-never-trusts",
      withoutEvents(heartbeatProtocol, ["trust"]),
      HEARTBEAT_SCENARIO_CONFIG,
    );
    const { failing } = sweep(planted, 20);
    expect(failing.length).toBeGreaterThanOrEqual(10);
    expect(
      failing.flatMap((f) => f.violations).some((v) => /suspected live, connected/.test(v)),
    ).toBe(true);
  });
});
