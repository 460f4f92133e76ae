import { describe, expect, it } from "vitest";
import { BULLY_DEFAULTS, bullyProtocol } from "../elect/index.js";
import type { AnyScenario, RunView } from "../sim/scenario.js";
import { ELECT_BULLY_BOUND_MS, electBullyScenario } from "./elect-bully.js";
import {
  BULLY_HOLD_DOWN_MS,
  electBullyHoldDownScenario,
  flappingFaults,
} from "./elect-bully-holddown.js";
import { electionContract, scripted } from "./elect-contract.js";
import { electScenario } from "./elect-scenario.js";

electionContract({
  scenario: electBullyHoldDownScenario,
  boundMs: ELECT_BULLY_BOUND_MS + BULLY_HOLD_DOWN_MS,
  winner: (live) => Math.max(...live),
  seeds: 20,
  sweepDurationMs: 80_000,
});

/** Leader changes (believe-leader events) and election messages of a run where n4 flaps 6 times. */
function storm(scenario: AnyScenario) {
  let takeovers = 0;
  const counted: AnyScenario = {
    ...scenario,
    check: (run: RunView<unknown, unknown>) => {
      takeovers = run.events.filter((e) => e.event.type === "believe-leader").length;
      return scenario.check(run);
    },
  };
  const { summary } = scripted(counted, flappingFaults(4, 6, 3000), 30_000);
  return { takeovers, summary };
}

describe("a flapping top node under bully", () => {
  it("classic bully: every return and every crash is a new leader (a re-election storm)", () => {
    const { takeovers, summary } = storm(electBullyScenario);
    expect(summary.violations).toEqual([]);
    // n4 leads at the start, then per flap: n3 takes over at the crash, n4 bullies back on return.
    expect(takeovers).toBe(1 + 6 * 2);
  });

  it("with the hold-down: one hand-over at the first crash, one when n4 has stayed up long enough", () => {
    const { takeovers, summary } = storm(electBullyHoldDownScenario);
    expect(summary.violations).toEqual([]);
    expect(takeovers).toBe(3);
  });
});

describe("the host-quality score (hold-down that grows with restarts)", () => {
  const damped = (growth: number) =>
    electScenario({
      name: `elect-bully-holddown-1s-x${growth}`,
      summary: "bully with a 1 s hold-down",
      protocol: bullyProtocol,
      config: { ...BULLY_DEFAULTS, holdDownMs: 1000, holdDownGrowth: growth },
      boundMs: ELECT_BULLY_BOUND_MS + 1000 * 64,
    });

  it("a fixed 1 s hold-down is shorter than the flap's 1.5 s up-time: the storm goes on", () => {
    const { takeovers, summary } = storm(damped(1));
    expect(summary.violations).toEqual([]);
    expect(takeovers).toBe(1 + 6 * 2);
  });

  it("doubling it per restart: n4 claims once more, then is held down for good", () => {
    const { takeovers, summary } = storm(damped(2));
    expect(summary.violations).toEqual([]);
    // n4, n3 at the first crash, n4 after its first 1 s hold-down, n3 at the second crash
    expect(takeovers).toBe(4);
  });
});
