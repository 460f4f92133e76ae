import type { NodeId, Protocol } from "../../core/index.js";
import type { HeartbeatTimer } from "../../detect/index.js";
import { CANDIDATE_DEFAULTS, type CandidateConfig, checkCandidateConfig } from "./config.js";
import { type CandidateMsg, type CandidateTimer, validateCandidateMsg } from "./messages.js";
import { CandidateNode } from "./node.js";

/**
 * The candidate/ordinary election on a heartbeat detector: only candidates
 * lead; an elector collects the candidates' answers and names the highest.
 * Events `leader`, `believe-leader`, `step-down`, `leader-lost`.
 */
export const candidateProtocol: Protocol<
  CandidateMsg,
  HeartbeatTimer | CandidateTimer,
  CandidateConfig
> = {
  name: "elect-candidate",
  summary:
    "candidate/ordinary election (Murshed & Allen 2012): an elector collects the candidates' answers and names the highest",
  defaults: CANDIDATE_DEFAULTS,
  checkConfig: checkCandidateConfig,
  create(_id: NodeId, config: CandidateConfig): CandidateNode {
    const problem = checkCandidateConfig(config);
    if (problem !== undefined) throw new RangeError(`elect-candidate config: ${problem}`);
    return new CandidateNode(config);
  },
  validate: validateCandidateMsg,
};
