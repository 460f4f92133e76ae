import {
  bestEffortBroadcastProtocol,
  causalBroadcastProtocol,
  fifoBroadcastProtocol,
  raftBroadcastProtocol,
  reliableBroadcastProtocol,
  snapshotBankProtocol,
  totalBroadcastProtocol,
  totalElectBroadcastProtocol,
} from "./broadcast/index.js";
import type { AnyProtocol } from "./core/protocol.js";
import {
  fuseProtocol,
  gossipDetectorProtocol,
  heartbeatProtocol,
  phiProtocol,
  pingProtocol,
  swimProtocol,
  timeoutFreeProtocol,
} from "./detect/index.js";
import {
  bullyProtocol,
  candidateProtocol,
  invitationProtocol,
  nilProtocol,
  ringProtocol,
} from "./elect/index.js";
import { antiEntropyProtocol, rumorProtocol } from "./gossip/index.js";
import { raftProtocol } from "./raft/index.js";
import { raftLoadProtocol } from "./raft/load-protocol.js";

/**
 * Every protocol that `cohort start` and the real host can run, by name.
 * Protocol folders export a `Protocol`; add one line here per protocol.
 */
export const PROTOCOLS: readonly AnyProtocol[] = [
  heartbeatProtocol,
  swimProtocol,
  phiProtocol,
  pingProtocol,
  gossipDetectorProtocol,
  timeoutFreeProtocol,
  fuseProtocol,
  raftProtocol,
  raftLoadProtocol,
  antiEntropyProtocol,
  rumorProtocol,
  bestEffortBroadcastProtocol,
  reliableBroadcastProtocol,
  fifoBroadcastProtocol,
  causalBroadcastProtocol,
  totalBroadcastProtocol,
  totalElectBroadcastProtocol,
  raftBroadcastProtocol,
  snapshotBankProtocol,
  bullyProtocol,
  ringProtocol,
  nilProtocol,
  candidateProtocol,
  invitationProtocol,
];

/** The protocol called `name`, or undefined. */
export function findProtocol(name: string): AnyProtocol | undefined {
  return PROTOCOLS.find((p) => p.name === name);
}
