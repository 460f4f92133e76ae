import { RANDOM_RUN_DEFAULTS, type RandomRunOptions } from "./random-run.js";

/** A named mix of faults and settings for randomized runs. */
export type RunProfile = Omit<RandomRunOptions, "seed">;

/**
 * The fault mixes the randomized tests sweep. Each is a plain `RandomRunOptions`
 * without the seed; a failing run is replayed from (profile, seed).
 */
export const PROFILES: Readonly<Record<string, RunProfile>> = {
  /** Default config, 3 nodes: loss, duplication, crashes, random partitions. */
  default: RANDOM_RUN_DEFAULTS,
  /**
   * Leaders cut off soon after they win, short election timeouts, one-entry
   * AppendEntries: the conditions of the paper's Figure 8, made frequent.
   */
  isolateLeader: {
    ...RANDOM_RUN_DEFAULTS,
    clients: 3,
    lossRate: 0.1,
    crashRate: 0.002,
    restartRate: 0.05,
    partitionRate: 0.002,
    healRate: 0.01,
    isolateLeaderRate: 0.2,
    config: { appendEntriesMax: 1, electionTicks: 4 },
  },
  /** Five nodes, short election timeouts, leader isolation. */
  five: {
    ...RANDOM_RUN_DEFAULTS,
    nodes: 5,
    clients: 3,
    lossRate: 0.1,
    crashRate: 0.002,
    restartRate: 0.05,
    partitionRate: 0.002,
    healRate: 0.01,
    isolateLeaderRate: 0.1,
    config: { appendEntriesMax: 2, electionTicks: 4 },
  },
  /** Snapshots every 4 applied entries, sent 2 pairs per chunk: compaction, chunked InstallSnapshot to lagging and restarted nodes; 3 voters and a learner. */
  snapshot: {
    ...RANDOM_RUN_DEFAULTS,
    nodes: 4,
    learners: 1,
    clients: 3,
    lossRate: 0.1,
    restartRate: 0.02,
    isolateLeaderRate: 0.02,
    config: { snapshotEntries: 4, snapshotChunkPairs: 2 },
  },
  /** Lease reads on (drift bound 10%), leaders cut off now and then: reads served alone must stay linearizable. */
  lease: {
    ...RANDOM_RUN_DEFAULTS,
    clients: 3,
    partitionRate: 0.003,
    isolateLeaderRate: 0.005,
    config: { leaseReads: true },
  },
  /**
   * An administrator asks the leader for a membership change every ~10 ms
   * (add a spare as a learner, promote, remove a voter or the leader; most
   * are refused while one is uncommitted), 5 nodes of which 3 start as
   * voters, frequent random partitions and leaders cut off, snapshots every 8
   * entries so new members get the configuration by InstallSnapshot.
   */
  membership: {
    ...RANDOM_RUN_DEFAULTS,
    nodes: 5,
    spares: 2,
    clients: 3,
    lossRate: 0.05,
    restartRate: 0.02,
    partitionRate: 0.01,
    healRate: 0.01,
    isolateLeaderRate: 0.02,
    membershipRate: 0.1,
    config: { electionTicks: 4, snapshotEntries: 8, snapshotChunkPairs: 2 },
  },
  /** The paper's Raft (no pre-vote, no check-quorum), long partitions, four clients. */
  paper: {
    ...RANDOM_RUN_DEFAULTS,
    clients: 4,
    crashRate: 0.0005,
    restartRate: 0.05,
    partitionRate: 0.001,
    healRate: 0.001,
    isolateLeaderRate: 0.005,
    config: { preVote: false, checkQuorum: false },
  },
};
