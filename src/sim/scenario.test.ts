import { describe, expect, it } from "vitest";
import { HEARTBEAT_DEFAULTS, heartbeatProtocol } from "../detect/index.js";
import { protocolScenario } from "./scenario.js";
import { executePlan, planRun } from "./scenario-run.js";

describe("protocolScenario", () => {
  it("runs a protocol with its merged configuration and the given check", () => {
    const scenario = protocolScenario(heartbeatProtocol, {
      name: "hb-fast",
      config: { intervalMs: 20, deadlineMs: 100 },
      defaults: { nodes: 3, durationMs: 2000 },
      nodesMin: 2,
      check: (run) =>
        run.events
          .filter((e) => e.event.type === "suspect")
          .map((e) => `t=${e.t}ms n${e.node} suspected ${String(e.event.peer)}`),
    });
    expect(scenario.name).toBe("hb-fast");
    expect(scenario.summary).toBe(heartbeatProtocol.summary);
    const quiet = executePlan(planRun(scenario, { seed: 1 })).summary;
    expect(quiet.violations).toEqual([]);
    const crashed = executePlan(
      planRun(scenario, { seed: 1, faults: [{ at: 500, fault: "crash", node: 2 }] }),
    ).summary;
    // Both live peers suspect the crashed node within the 100 ms deadline (plus latency).
    expect(crashed.violations).toHaveLength(2);
    expect(crashed.violations.every((v) => / suspected 2$/.test(v))).toBe(true);
  });

  it("rejects a configuration the protocol rejects, naming it", () => {
    expect(() =>
      protocolScenario(heartbeatProtocol, {
        config: { intervalMs: 500, deadlineMs: HEARTBEAT_DEFAULTS.intervalMs },
        defaults: { nodes: 3, durationMs: 1000 },
      }),
    ).toThrow(/^heartbeat config: deadlineMs: expected more than intervalMs \(500\), got 100$/);
  });
});
