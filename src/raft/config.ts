/**
 * Raft's configuration: every limit named, with its unit, and checked before a
 * node is built. Time is counted in ticks of `tickMs`, as in etcd's raft, so the
 * protocol's timing rules read as small integers.
 */
export interface RaftConfig {
  /** Milliseconds between two ticks of a node's clock. */
  readonly tickMs: number;
  /** A follower that hears no leader for a random number of ticks in [electionTicks, 2·electionTicks) campaigns. */
  readonly electionTicks: number;
  /** A leader sends heartbeats every `heartbeatTicks`; must be below `electionTicks`. */
  readonly heartbeatTicks: number;
  /** Campaign in two phases (thesis §9.6) so a node that rejoins after a partition does not raise the term. */
  readonly preVote: boolean;
  /** A leader that has not heard from a quorum within an election timeout steps down, and voters ignore campaigns while they hear from a leader. */
  readonly checkQuorum: boolean;
  /** At most this many entries in one AppendEntries. */
  readonly appendEntriesMax: number;
  /** At most about this many bytes of entries in one AppendEntries (at least one entry is always sent). */
  readonly appendBytesMax: number;
  /** At most this many AppendEntries in flight to one follower (pipelining). */
  readonly inflightCountMax: number;
  /** At most about this many bytes of entries in flight to one follower. */
  readonly inflightBytesMax: number;
  /** A follower in pipelined mode whose match index has not moved for this many ticks is probed again. */
  readonly replicateStallTicks: number;
  /**
   * Serve reads from a leader lease when one holds (else by ReadIndex). Needs
   * check-quorum: voters ignore campaigns for an election timeout after they
   * last heard from their leader, so the leader may read alone for a little
   * less than that after a quorum acknowledged a heartbeat.
   */
  readonly leaseReads: boolean;
  /** The largest relative clock-rate error (drift) between any two nodes the lease must survive, in [0, 0.5). */
  readonly clockDriftMax: number;
  /** A node snapshots its state machine and drops the log it covers once this many entries were applied since the last snapshot. */
  readonly snapshotEntries: number;
  /** InstallSnapshot carries at most this many key-value pairs per chunk (at most 4096). */
  readonly snapshotChunkPairs: number;
  /** A learner is promoted to voter only once its log is at most this many entries behind the leader's. */
  readonly learnerCatchUpEntries: number;
  /** The leader refuses new writes while this many entries are uncommitted. */
  readonly uncommittedEntriesMax: number;
  /** The leader refuses new reads while this many are waiting. */
  readonly pendingReadsMax: number;
  /** Client sessions kept by the state machine; the least recently used is evicted beyond it. */
  readonly sessionsMax: number;
  /** Longest key, in UTF-16 code units. */
  readonly keyLengthMax: number;
  /** Longest value, in UTF-16 code units. */
  readonly valueLengthMax: number;
  /** Most pairs a range read returns. */
  readonly rangeLimitMax: number;
  /**
   * DELIBERATELY UNSAFE, for tests only: commit entries of earlier terms by
   * counting replicas (the mistake of the Raft paper's Figure 8). The
   * randomized runs must catch a node built with it.
   */
  readonly unsafeCommitEarlierTerms: boolean;
  /**
   * DELIBERATELY UNSAFE, for tests only: a leader answers reads from its own
   * state without confirming it still leads (no ReadIndex round). A deposed
   * leader then serves stale reads, which the linearizability checker must catch.
   */
  readonly unsafeLeaderReads: boolean;
  /**
   * DELIBERATELY UNSAFE, for tests only: the leader starts a membership change
   * while another is uncommitted, or before it committed an entry of its own
   * term. Two configurations that differ by two servers may then both be in
   * force, with majorities that do not overlap; the sweeps must catch it.
   */
  readonly unsafeConcurrentChanges: boolean;
}

/** The most key-value pairs one InstallSnapshot chunk may carry (what `validate` accepts). */
export const SNAPSHOT_CHUNK_PAIRS_MAX = 4096;

/** Defaults for a LAN cluster: 10 ms ticks, 100–200 ms election timeouts, heartbeats every 10 ms. */
export const RAFT_DEFAULTS: RaftConfig = {
  tickMs: 10,
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  appendEntriesMax: 64,
  appendBytesMax: 64 * 1024,
  inflightCountMax: 8,
  inflightBytesMax: 512 * 1024,
  replicateStallTicks: 3,
  leaseReads: false,
  clockDriftMax: 0.1,
  snapshotEntries: 1024,
  snapshotChunkPairs: 256,
  learnerCatchUpEntries: 16,
  uncommittedEntriesMax: 4096,
  pendingReadsMax: 4096,
  sessionsMax: 1024,
  keyLengthMax: 256,
  valueLengthMax: 64 * 1024,
  rangeLimitMax: 1000,
  unsafeCommitEarlierTerms: false,
  unsafeLeaderReads: false,
  unsafeConcurrentChanges: false,
};

const POSITIVE_INTEGERS = [
  "tickMs",
  "electionTicks",
  "heartbeatTicks",
  "appendEntriesMax",
  "appendBytesMax",
  "inflightCountMax",
  "inflightBytesMax",
  "replicateStallTicks",
  "snapshotEntries",
  "snapshotChunkPairs",
  "learnerCatchUpEntries",
  "uncommittedEntriesMax",
  "pendingReadsMax",
  "sessionsMax",
  "keyLengthMax",
  "valueLengthMax",
  "rangeLimitMax",
] as const;

/** The first problem with `config` as `field: expected …, got …`, or undefined when it is usable. */
export function checkRaftConfig(config: RaftConfig): string | undefined {
  for (const field of POSITIVE_INTEGERS) {
    const value = config[field];
    if (!Number.isSafeInteger(value) || value < 1) {
      return `${field}: expected a positive integer, got ${String(value)}`;
    }
  }
  if (config.snapshotChunkPairs > SNAPSHOT_CHUNK_PAIRS_MAX) {
    return `snapshotChunkPairs: expected at most ${SNAPSHOT_CHUNK_PAIRS_MAX}, got ${config.snapshotChunkPairs}`;
  }
  if (!(config.clockDriftMax >= 0 && config.clockDriftMax < 0.5)) {
    return `clockDriftMax: expected a fraction in [0, 0.5), got ${String(config.clockDriftMax)}`;
  }
  if (config.leaseReads && !config.checkQuorum) {
    return "leaseReads: needs checkQuorum (voters must honour the leader's lease)";
  }
  if (config.leaseReads && config.electionTicks < 3) {
    return `leaseReads: needs electionTicks >= 3, got ${config.electionTicks}`;
  }
  if (config.heartbeatTicks >= config.electionTicks) {
    return `heartbeatTicks: expected below electionTicks (${config.electionTicks}), got ${config.heartbeatTicks}`;
  }
  for (const field of [
    "preVote",
    "checkQuorum",
    "leaseReads",
    "unsafeCommitEarlierTerms",
    "unsafeLeaderReads",
    "unsafeConcurrentChanges",
  ] as const) {
    if (typeof config[field] !== "boolean") {
      return `${field}: expected a boolean, got ${String(config[field])}`;
    }
  }
  return undefined;
}
