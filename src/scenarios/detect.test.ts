import { describe, expect, it } from "vitest";
import { swimProtocol } from "../detect/swim/protocol.js";
import { withoutEvents } from "../detect/testing/planted.js";
import type { AnyScenario } from "../sim/scenario.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import { detectFuseScenario } from "./detect-fuse.js";
import { detectGossipScenario } from "./detect-gossip.js";
import { detectHeartbeatScenario } from "./detect-heartbeat.js";
import { detectPhiExponentialScenario, detectPhiScenario } from "./detect-phi.js";
import { detectPingScenario } from "./detect-ping.js";
import { detectScenario } from "./detect-scenario.js";
import { detectSwimScenario, SWIM_SCENARIO_CONFIG, swimBounds } from "./detect-swim.js";
import { detectTimeoutFreeScenario } from "./detect-timeout-free.js";

/** Seeds per scenario in `npm test`; `cohort sweep detect-* --seeds 0..9999` goes further. */
const SEEDS = 40;

function failingSeeds(
  scenario: AnyScenario,
  seeds: number,
): { seed: number; violations: readonly string[] }[] {
  const failing: { seed: number; violations: readonly string[] }[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const { summary } = executePlan(planRun(scenario, { seed }));
    if (summary.violations.length > 0) failing.push({ seed, violations: summary.violations });
  }
  return failing;
}

describe("detect-* scenarios: every crash detected in time by every live member, no lasting false suspicion", () => {
  // timeout-free relays every beat along paths (O(n²) messages a round), so it gets fewer seeds
  it(`${detectTimeoutFreeScenario.name}: ${SEEDS / 4} seeds of crashes, restarts and partitions on a 1%-loss network`, () => {
    expect(failingSeeds(detectTimeoutFreeScenario, SEEDS / 4)).toEqual([]);
  });

  for (const scenario of [
    detectHeartbeatScenario,
    detectPingScenario,
    detectPhiScenario,
    detectPhiExponentialScenario,
    detectSwimScenario,
    detectGossipScenario,
    detectFuseScenario,
  ]) {
    it(`${scenario.name}: ${SEEDS} seeds of crashes, restarts and partitions on a 1%-loss network`, () => {
      expect(failingSeeds(scenario, SEEDS)).toEqual([]);
    });
  }

  it("a planted SWIM that never reports suspicion or death fails the same check", () => {
    const planted = detectScenario({
      name: "detect-swim-planted",
      summary: "planted bug",
      protocol: withoutEvents(swimProtocol, ["suspect", "dead"]),
      config: () => SWIM_SCENARIO_CONFIG,
      bounds: () => swimBounds(SWIM_SCENARIO_CONFIG),
    });
    const failing = failingSeeds(planted, 10);
    expect(failing.length).toBeGreaterThanOrEqual(5);
    expect(failing[0]!.violations[0]).toMatch(/did not suspect n\d+ within 10000 ms of its crash/);
  });
});
