import { describe, expect, it } from "vitest";
import { CANDIDATE_DEFAULTS, candidateProtocol } from "../elect/index.js";
import { ELECT_CANDIDATE_BOUND_MS, electCandidateScenario } from "./elect-candidate.js";
import { electionContract, scripted } from "./elect-contract.js";

electionContract({
  scenario: electCandidateScenario,
  boundMs: ELECT_CANDIDATE_BOUND_MS,
  winner: (live) => Math.max(...live),
});

describe("elect-candidate", () => {
  it("no candidate alive: nobody leads, and the liveness check says so", () => {
    // 5 nodes, candidates n1..n4; crash all four.
    const faults = [1, 2, 3, 4].map((node) => ({ at: 3000, fault: "crash" as const, node }));
    const { summary } = scripted(electCandidateScenario, faults, 9000);
    expect(summary.violations).toEqual([
      "n0 knew no leader at 7000 ms, 4000 ms after the last fault (3000 ms)",
    ]);
  });

  it("rejects bad settings and malformed messages by field", () => {
    expect(candidateProtocol.checkConfig(CANDIDATE_DEFAULTS)).toBeUndefined();
    expect(candidateProtocol.checkConfig({ ...CANDIDATE_DEFAULTS, candidateCount: 0 })).toBe(
      "candidateCount: expected an integer in [1, 100000], got 0",
    );
    const v = candidateProtocol.validate;
    expect(v({ type: "cand-coordinator", leader: 3, epoch: 2 })).toBeUndefined();
    expect(v({ type: "cand-coordinator", epoch: 2 })).toBe(
      "leader: expected a non-negative integer, got nothing",
    );
  });
});
