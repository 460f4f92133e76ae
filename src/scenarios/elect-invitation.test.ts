import { describe, expect, it } from "vitest";
import { INVITATION_DEFAULTS, invitationProtocol } from "../elect/index.js";
import { electionContract } from "./elect-contract.js";
import { ELECT_INVITATION_BOUND_MS, electInvitationScenario } from "./elect-invitation.js";

electionContract({
  scenario: electInvitationScenario,
  boundMs: ELECT_INVITATION_BOUND_MS,
  winner: () => undefined,
  splitWhileMerging: true,
});

describe("elect-invitation", () => {
  it("rejects bad settings and malformed messages by field", () => {
    expect(invitationProtocol.checkConfig(INVITATION_DEFAULTS)).toBeUndefined();
    expect(invitationProtocol.checkConfig({ ...INVITATION_DEFAULTS, mergeTimeoutMs: 0 })).toBe(
      "mergeTimeoutMs: expected an integer in [1, 3600000], got 0",
    );
    const v = invitationProtocol.validate;
    expect(v({ type: "inv-join", epoch: 3, members: [1, 2] })).toBeUndefined();
    expect(v({ type: "inv-check", epoch: 3 })).toBe(
      "size: expected a non-negative integer, got nothing",
    );
  });
});
