import { INVITATION_DEFAULTS, invitationProtocol } from "../elect/index.js";
import { electScenario } from "./elect-scenario.js";

/**
 * The invitation scenario's bound: a crashed leader is suspected within
 * ~551 ms and its members each lead alone; groups then merge pairwise, one
 * merge per check interval (300 ms) at worst per group, and a lost message
 * costs a merge timeout (500 ms). 5 s for 8 nodes.
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
