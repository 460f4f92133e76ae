import { RAFT_KV_CONFIG, raftKvScenarioOf } from "./raft-kv.js";

/**
 * PLANTED BUG — `raft-kv` whose leaders answer reads from their own state
 * without the ReadIndex round, with check-quorum off so a deposed leader keeps
 * answering: stale reads the linearizability check must catch. It exists so that
 * `cohort sweep` and `cohort shrink` can be shown to find and shrink a real
 * consensus bug (docs/raft.md, "Planted bugs"); never run it for anything else.
 * (Figure 8's commit-rule bug is not here: the random nemesis, blind to who
 * leads, did not catch it in 400 seeds; the leader-aware test network does.)
 */
export const raftKvPlantedReadsScenario = {
  ...raftKvScenarioOf("raft-kv-planted-reads", {
    ...RAFT_KV_CONFIG,
    leaseReads: false,
    checkQuorum: false,
    unsafeLeaderReads: true,
  }),
  summary:
    "PLANTED BUG: raft-kv whose leaders read locally without ReadIndex and without check-quorum; the sweep must fail",
};
