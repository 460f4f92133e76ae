import { describe, expect, it } from "vitest";
import { HEARTBEAT_DEFAULTS } from "../detect/heartbeat/config.js";
import { heartbeatProtocol } from "../detect/heartbeat/protocol.js";
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
import { heartbeatBounds } from "./heartbeat.js";

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

  it("a crash during replays is judged from their heal: a detector ten times too slow is caught there", () => {
    // Replays from 3 s to 9 s on every node, member 3 crashes at 5 s. Until this
    // session such a crash was not judged at all.
    const faults = [
      { at: 3_000, fault: "replay" as const, probability: 0.1, healAt: 9_000 },
      { at: 5_000, fault: "crash" as const, node: 3 },
    ];
    const run = (deadlineMs: number) => {
      const scenario = detectScenario({
        name: "detect-heartbeat-replayed",
        summary: "heartbeat under replays",
        protocol: heartbeatProtocol,
        config: () => ({ ...HEARTBEAT_DEFAULTS, deadlineMs }),
        // the bound a correct 500 ms deadline promises
        bounds: () => heartbeatBounds(HEARTBEAT_DEFAULTS, 2),
      });
      return executePlan(planRun(scenario, { seed: 1, nemesis: "none", faults })).summary
        .violations;
    };
    expect(run(HEARTBEAT_DEFAULTS.deadlineMs)).toEqual([]);
    const slow = run(5_000);
    expect(slow.length).toBeGreaterThan(0);
    expect(slow[0]).toMatch(/did not suspect n3 within 4601 ms of its crash at 5000 ms/);
  });
});
