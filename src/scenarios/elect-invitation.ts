import { INVITATION_DEFAULTS, invitationProtocol } from "../elect/index.js";
import { electScenario } from "./elect-scenario.js";

/**
 * The invitation scenario's bound (8 nodes): a crashed leader is suspected
 * within ~551 ms and its members each lead alone; within one check interval
 * (300 ms) every one has checked every other, and at its next check the
 * top-ranked leader invites them all at once, so the groups merge in one
 * step (one to two intervals, independent of n); a lost invitation or join
 * costs a merge timeout (500 ms) and another interval. 5 s for 8 nodes; at
 * 64 and 256 the bench measures 1.2–1.9 s after the crash.
 */
export const ELECT_INVITATION_BOUND_MS = 5000;

/** `elect-invitation`: the invitation election under crash, restart, partition and loss. */
export const electInvitationScenario = electScenario({
  name: "elect-invitation",
  summary: `invitation election on heartbeats; after the last fault every live node follows one live leader within ${ELECT_INVITATION_BOUND_MS} ms`,
  protocol: invitationProtocol,
  config: INVITATION_DEFAULTS,
  boundMs: ELECT_INVITATION_BOUND_MS,
});
