import { describe, expect, it } from "vitest";
import { NIL_DEFAULTS, nilProtocol } from "../elect/index.js";
import type { AnyScenario } from "../sim/scenario.js";
import { electBullyScenario } from "./elect-bully.js";
import { electionContract, scripted } from "./elect-contract.js";
import { ELECT_NIL_BOUND_MS, electNextInLineScenario } from "./elect-next-in-line.js";

electionContract({
  scenario: electNextInLineScenario,
  boundMs: ELECT_NIL_BOUND_MS,
  winner: (live) => Math.max(...live),
});

describe("elect-next-in-line", () => {
  it("a leader crash costs fewer messages than bully's election (16 nodes, same heartbeats)", () => {
    const count = (s: AnyScenario) => {
      let n = 0;
      const counted: AnyScenario = {
        ...s,
        check: (run) => {
          n = run.events.filter((e) => e.t > 3000 && e.event.type === "leader").length;
          return s.check(run);
        },
      };
      const { summary } = scripted(counted, [{ at: 3000, fault: "crash", node: 15 }], 8000, 1, 16);
      return { summary, leaderEvents: n };
    };
    const nil = count(electNextInLineScenario);
    const bully = count(electBullyScenario);
    expect(nil.summary.violations).toEqual([]);
    expect(bully.summary.violations).toEqual([]);
    // every live node follows the new leader once: 15 leader events each
    expect(nil.leaderEvents).toBe(15);
    expect(bully.leaderEvents).toBe(15);
    // Same detector, same announcements: the difference is the failover itself.
    const extra = bully.summary.messages.sent - nil.summary.messages.sent;
    expect(extra).toBeGreaterThan(100);
  });

  it("rejects bad settings and malformed messages by field", () => {
    expect(nilProtocol.checkConfig(NIL_DEFAULTS)).toBeUndefined();
    expect(nilProtocol.checkConfig({ ...NIL_DEFAULTS, takeoverTimeoutMs: 0 })).toBe(
      "takeoverTimeoutMs: expected an integer in [1, 3600000], got 0",
    );
    const v = nilProtocol.validate;
    expect(v({ type: "nil-coordinator", epoch: 2, alternates: [3, 1] })).toBeUndefined();
    expect(v({ type: "nil-coordinator", epoch: 2, alternates: [3, "x"] })).toBe(
      'alternates[1]: expected a node id, got "x"',
    );
    expect(v({ type: "nil-takeover" })).toBe("epoch: expected a non-negative integer, got nothing");
  });
});
