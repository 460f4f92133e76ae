import type { AnyScenario } from "../sim/scenario.js";
import {
  broadcastCausalScenario,
  broadcastFifoScenario,
  broadcastReliableScenario,
  broadcastTotalElectScenario,
  broadcastTotalFailoverScenario,
  broadcastTotalScenario,
} from "./broadcast.js";
import { broadcastTotalRaftScenario } from "./broadcast-raft.js";
import { detectFuseScenario } from "./detect-fuse.js";
import { detectGossipScenario } from "./detect-gossip.js";
import { detectHeartbeatScenario } from "./detect-heartbeat.js";
import { detectPhiExponentialScenario, detectPhiScenario } from "./detect-phi.js";
import { detectPingScenario } from "./detect-ping.js";
import { detectSwimScenario } from "./detect-swim.js";
import { detectTimeoutFreeScenario } from "./detect-timeout-free.js";
import { electBullyScenario } from "./elect-bully.js";
import { electBullyHoldDownScenario } from "./elect-bully-holddown.js";
import { electCandidateScenario } from "./elect-candidate.js";
import { electInvitationScenario } from "./elect-invitation.js";
import { electNextInLineScenario } from "./elect-next-in-line.js";
import { electRingScenario } from "./elect-ring.js";
import { gossipAntiEntropyScenario, gossipRumorScenario } from "./gossip.js";
import { heartbeatScenario } from "./heartbeat.js";
import { pingpongFragileScenario, pingpongScenario } from "./pingpong.js";
import { raftKvScenario } from "./raft-kv.js";
import { raftKvPlantedReadsScenario } from "./raft-kv-planted.js";
import { raftMembershipScenario } from "./raft-membership.js";
import { snapshotBankScenario } from "./snapshot-bank.js";

/**
 * Every scenario `cohort sim`, `cohort sweep` and `cohort shrink` can run, by
 * name, in the order `cohort sim --list` shows them. Add one line per scenario.
 */
export const SCENARIOS: readonly AnyScenario[] = [
  pingpongScenario,
  pingpongFragileScenario,
  heartbeatScenario,
  detectHeartbeatScenario,
  detectPingScenario,
  detectPhiScenario,
  detectPhiExponentialScenario,
  detectSwimScenario,
  detectGossipScenario,
  detectTimeoutFreeScenario,
  detectFuseScenario,
  raftKvScenario,
  raftKvPlantedReadsScenario,
  raftMembershipScenario,
  gossipAntiEntropyScenario,
  gossipRumorScenario,
  broadcastReliableScenario,
  broadcastFifoScenario,
  broadcastCausalScenario,
  broadcastTotalScenario,
  broadcastTotalFailoverScenario,
  broadcastTotalElectScenario,
  broadcastTotalRaftScenario,
  snapshotBankScenario,
  electBullyScenario,
  electRingScenario,
  electBullyHoldDownScenario,
  electNextInLineScenario,
  electCandidateScenario,
  electInvitationScenario,
];

/** The scenario called `name`, or undefined. */
export function findScenario(name: string): AnyScenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
