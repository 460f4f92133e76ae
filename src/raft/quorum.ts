import { assert } from "../core/assert.js";
import type { RaftConfig } from "./config.js";

/**
 * The largest value that at least `quorum` of `values` reach: sorted from the
 * highest, the `quorum`-th. For match indexes it is the highest index a
 * quorum holds; for heartbeat stamps, the latest time a quorum acknowledged.
 * Does not modify `values`.
 */
export function quorumValue(values: readonly number[], quorum: number): number {
  assert(
    quorum >= 1 && quorum <= values.length,
    () => `quorum ${quorum} of ${values.length} values`,
  );
  const sorted = [...values].sort((a, b) => b - a);
  return sorted[quorum - 1] as number;
}

/** How an election stands: won (a quorum granted), lost (too many refused for a quorum), or pending. */
export function tallyVotes(
  votes: ReadonlyMap<number, boolean>,
  quorum: number,
  clusterSize: number,
): "won" | "lost" | "pending" {
  let granted = 0;
  let rejected = 0;
  for (const g of votes.values()) {
    if (g) granted++;
    else rejected++;
  }
  if (granted >= quorum) return "won";
  if (rejected > clusterSize - quorum) return "lost";
  return "pending";
}

/** The election restriction (§5.4.1): a candidate's log is at least as up to date as the voter's. */
export function candidateUpToDate(
  candidate: { readonly lastLogIndex: number; readonly lastLogTerm: number },
  voter: { readonly lastIndex: number; readonly lastTerm: number },
): boolean {
  return (
    candidate.lastLogTerm > voter.lastTerm ||
    (candidate.lastLogTerm === voter.lastTerm && candidate.lastLogIndex >= voter.lastIndex)
  );
}

/**
 * How long a leader may read alone after a quorum acknowledged a heartbeat:
 * voters ignore campaigns for electionTicks ticks after hearing it, less one
 * tick for where in a tick it landed and one for a clock set forward, shrunk
 * by the drift bound both ways (the leader's clock slow, a voter's fast).
 */
export function leaseDurationMs(config: RaftConfig): number {
  const drift = config.clockDriftMax;
  return ((config.electionTicks - 2) * config.tickMs * (1 - drift)) / (1 + drift);
}
