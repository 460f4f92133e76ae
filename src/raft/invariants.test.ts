import { describe, expect, it } from "vitest";
import type { Entry } from "./messages.js";
import type { RaftRole, RaftView } from "./node.js";
import { InvariantChecker } from "./testing/invariants.js";
import { PROFILES, type RunProfile } from "./testing/profiles.js";
import { randomRun } from "./testing/random-run.js";

/** The checker itself must be able to fail: each property is shown a state that breaks it. */

function view(
  id: number,
  role: RaftRole,
  term: number,
  terms: number[],
  commitIndex = 0,
): RaftView {
  const log: Entry[] = terms.map((t, i) => ({ term: t, index: i + 1, data: null }));
  return {
    id,
    role,
    term,
    vote: null,
    leader: null,
    commitIndex,
    appliedIndex: commitIndex,
    membership: { voters: [1, 2, 3], learners: [] },
    membershipIndex: 0,
    snapshotIndex: 0,
    snapshotTerm: 0,
    log,
  };
}

function put(value: string): Entry["data"] {
  return { clientId: 1, seq: 1, op: { op: "put", key: "k", value } };
}

describe("the cross-node invariant checker", () => {
  it("election safety: two leaders of one term", () => {
    const c = new InvariantChecker();
    expect(() => c.check([view(1, "leader", 2, [1]), view(2, "leader", 2, [1])])).toThrow(
      /election safety: n1 and n2 both lead term 2/,
    );
  });

  it("log matching: same index and term, different commands", () => {
    const c = new InvariantChecker();
    const a = view(1, "follower", 1, [1]);
    const b: RaftView = {
      ...view(2, "follower", 1, []),
      log: [{ term: 1, index: 1, data: put("x") }],
    };
    expect(() => c.check([a, b])).toThrow(/log matching: n2 entry 1:1/);
  });

  it("state machine safety: two nodes commit different entries at one index", () => {
    const c = new InvariantChecker();
    expect(() =>
      c.check([view(1, "follower", 2, [1, 1], 2), view(2, "follower", 2, [1, 2], 2)]),
    ).toThrow(/log matching|state machine safety/);
  });

  it("leader completeness: a later leader without a committed entry", () => {
    const c = new InvariantChecker();
    c.check([view(1, "leader", 2, [1, 2], 2)]);
    expect(() => c.check([view(1, "follower", 3, [1, 2], 2), view(3, "leader", 3, [1])])).toThrow(
      /leader completeness: n3 leads term 3 without entry 2:2/,
    );
  });

  it("leader append-only: a leader whose log shrinks in its term", () => {
    const c = new InvariantChecker();
    const leader = view(1, "leader", 2, [1, 2, 2]);
    c.check([leader]);
    (leader.log as Entry[]).pop(); // a node truncates in place
    expect(() => c.check([leader])).toThrow(/leader append-only/);
  });
});

describe("randomized runs replay from their seed", () => {
  it("the same profile and seed give the same history and final state", () => {
    const profile = PROFILES.isolateLeader as RunProfile;
    const a = randomRun({ ...profile, seed: 11 });
    const b = randomRun({ ...profile, seed: 11 });
    expect(JSON.stringify(b.history)).toBe(JSON.stringify(a.history));
    expect(b.finalState).toEqual(a.finalState);
    expect(b.messagesSent).toBe(a.messagesSent);
  });
});
