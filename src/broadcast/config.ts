import { describeValue } from "../core/index.js";
import { BULLY_DEFAULTS, type BullyConfig, checkBullyConfig } from "../elect/index.js";

/**
 * The broadcast abstractions, weakest first. `total` orders by a fixed
 * sequencer (failover on fail-stop notices only), `total-elect` by an
 * elected sequencer behind a majority (`ElectedOrder`).
 */
export const BROADCAST_VARIANTS = [
  "best-effort",
  "reliable",
  "fifo",
  "causal",
  "total",
  "total-elect",
] as const;

/** One broadcast abstraction. */
export type BroadcastVariant = (typeof BROADCAST_VARIANTS)[number];

/** How a broadcast node behaves. */
export interface BroadcastConfig {
  readonly variant: BroadcastVariant;
  /** Every this many ms a node resends each packet a peer has not acknowledged (not best-effort). */
  readonly resendMs: number;
  /** The node that orders messages for `total`. */
  readonly sequencer: number;
  /** Scripted load: each node broadcasts about every this many ms (jittered ×0.5–1.5); 0 = only on request. */
  readonly workEveryMs: number;
  /** Scripted load stops once the node's clock reads this. */
  readonly workUntilMs: number;
  /**
   * Reliable, FIFO, causal: every this many ms a node tells its peers how far
   * it delivered, and drops what every node has delivered (0 = keep all).
   */
  readonly gcEveryMs: number;
  /**
   * Reliable, FIFO, causal: a node restarted after a crash rejoins (it keeps
   * its sequence counter and delivered counts in storage, synced before use)
   * instead of staying out.
   */
  readonly rejoin: boolean;
  /** `total-elect`: the bully election (and its heartbeat detector) that names the sequencer. */
  readonly election: BullyConfig;
}

/** Reliable broadcast, resending every 100 ms, no scripted load, stability GC every 500 ms, rejoin after a crash. */
export const BROADCAST_DEFAULTS: BroadcastConfig = {
  variant: "reliable",
  resendMs: 100,
  sequencer: 0,
  workEveryMs: 0,
  workUntilMs: 0,
  gcEveryMs: 500,
  rejoin: true,
  election: BULLY_DEFAULTS,
};

/** The first problem of a configuration as `field: expected …, got …`, or undefined. */
export function checkBroadcastConfig(c: BroadcastConfig): string | undefined {
  if (!BROADCAST_VARIANTS.includes(c.variant)) {
    return `variant: expected one of ${BROADCAST_VARIANTS.join(", ")}, got ${describeValue(c.variant)}`;
  }
  const positive = (v: number) => typeof v === "number" && Number.isFinite(v) && v > 0;
  const nonNegative = (v: number) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (!positive(c.resendMs))
    return `resendMs: expected a number > 0, got ${describeValue(c.resendMs)}`;
  if (!Number.isSafeInteger(c.sequencer) || c.sequencer < 0) {
    return `sequencer: expected a node id, got ${describeValue(c.sequencer)}`;
  }
  if (!nonNegative(c.workEveryMs)) {
    return `workEveryMs: expected a number >= 0, got ${describeValue(c.workEveryMs)}`;
  }
  if (!nonNegative(c.workUntilMs)) {
    return `workUntilMs: expected a number >= 0, got ${describeValue(c.workUntilMs)}`;
  }
  if (!nonNegative(c.gcEveryMs)) {
    return `gcEveryMs: expected a number >= 0, got ${describeValue(c.gcEveryMs)}`;
  }
  if (typeof c.rejoin !== "boolean") {
    return `rejoin: expected true or false, got ${describeValue(c.rejoin)}`;
  }
  if (typeof c.election !== "object" || c.election === null) {
    return `election: expected bully settings, got ${describeValue(c.election)}`;
  }
  const election = checkBullyConfig(c.election);
  return election === undefined ? undefined : `election.${election}`;
}
