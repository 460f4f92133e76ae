import type { NodeId } from "../core/ids.js";
import type { Protocol, ProtocolNode } from "../core/protocol.js";
import { checkRaftLoadConfig, RAFT_LOAD_DEFAULTS, type RaftLoadConfig } from "./load-config.js";
import { LoadDriver } from "./load-driver.js";
import { LoadServer } from "./load-server.js";
import { type RaftMessage, raftMessageProblem } from "./messages.js";

/**
 * Raft servers and their load in one cluster, so the clients are nodes too and
 * the same code runs in the simulator and as real processes over TCP: nodes
 * `0..servers-1` are Raft servers (the stock `RaftNode` with those servers as
 * its configuration, plus a `raftState` report), every later node is a
 * `LoadDriver` running `clients` concurrent key-value clients. Messages are
 * Raft's, validated as `raft` validates them.
 *
 * On real processes: `cohort start --protocol raft-load --nodes 4` runs three
 * servers and one driver (docs/raft.md, "Real processes").
 */
export const raftLoadProtocol: Protocol<RaftMessage, string, RaftLoadConfig> = {
  name: "raft-load",
  summary:
    "Raft servers (nodes below `servers`) and key-value load drivers (the rest) that measure throughput and latency",
  defaults: RAFT_LOAD_DEFAULTS,
  checkConfig: checkRaftLoadConfig,
  create(id: NodeId, config: RaftLoadConfig): ProtocolNode<RaftMessage, string> {
    const problem = checkRaftLoadConfig(config);
    if (problem !== undefined) throw new Error(`raft-load config: ${problem}`);
    if (id >= config.servers) return new LoadDriver(id, config);
    const servers = Array.from({ length: config.servers }, (_, i) => i);
    return new LoadServer(id, config, servers, config.reportMs, config.groupCommit);
  },
  validate(msg: unknown): string | undefined {
    return raftMessageProblem(msg, RAFT_LOAD_DEFAULTS);
  },
};
