import type { NodeId, Protocol } from "../../core/index.js";
import type { HeartbeatTimer } from "../../detect/index.js";
import { checkInvitationConfig, INVITATION_DEFAULTS, type InvitationConfig } from "./config.js";
import { type InvitationMsg, type InvitationTimer, validateInvitationMsg } from "./messages.js";
import { InvitationNode } from "./node.js";

/**
 * The invitation election on a heartbeat detector: groups merge, the larger
 * group's leader leading the merged one. Events `leader`, `believe-leader`,
 * `step-down`, `leader-lost`.
 */
export const invitationProtocol: Protocol<
  InvitationMsg,
  HeartbeatTimer | InvitationTimer,
  InvitationConfig
> = {
  name: "elect-invitation",
  summary:
    "invitation election (Garcia-Molina 1982): leaders invite each other; the larger group's leader leads the merged group",
  defaults: INVITATION_DEFAULTS,
  checkConfig: checkInvitationConfig,
  create(_id: NodeId, config: InvitationConfig): InvitationNode {
    const problem = checkInvitationConfig(config);
    if (problem !== undefined) throw new RangeError(`elect-invitation config: ${problem}`);
    return new InvitationNode(config);
  },
  validate: validateInvitationMsg,
};
