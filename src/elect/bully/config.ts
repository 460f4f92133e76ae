import type { HeartbeatConfig } from "../../detect/index.js";
import { checkDetector, checkIntIn, ELECT_DETECTOR_DEFAULTS } from "../config.js";

/** Settings of the bully election; every time is in milliseconds. */
export interface BullyConfig {
  /** The embedded heartbeat failure detector. */
  readonly detector: HeartbeatConfig;
  /** How long a candidate waits for an `answer` from a higher node before it takes over. */
  readonly answerTimeoutMs: number;
  /** How long a node that was answered waits for the `coordinator` before it starts again. */
  readonly coordinatorTimeoutMs: number;
  /** How often a leader re-announces itself to every member (repairs lost announcements, merges partitions). */
  readonly announceIntervalMs: number;
  /**
   * The remedy for a flapping top node: after a restart a node may not claim
   * leadership (it neither answers nor starts elections, and follows whoever
   * leads) until it has stayed up this long. 0: the classic algorithm.
   */
  readonly holdDownMs: number;
  /**
   * A host-quality score on top of the hold-down (route-flap damping): the
   * restarts are counted in storage and each multiplies the next hold-down by
   * this factor (at most 64×); a node that stays up for three times
   * `holdDownMs × restarts` after its hold-down ends is forgiven (count 0).
   * 1: a fixed hold-down.
   */
  readonly holdDownGrowth: number;
}

/** Classic bully on 100 ms heartbeats: 100 ms to answer, 1 s for the coordinator, re-announced every 500 ms. */
export const BULLY_DEFAULTS: BullyConfig = {
  detector: ELECT_DETECTOR_DEFAULTS,
  answerTimeoutMs: 100,
  coordinatorTimeoutMs: 1000,
  announceIntervalMs: 500,
  holdDownMs: 0,
  holdDownGrowth: 1,
};

/** Returns the first problem with `config` as `field: expected …, got …`, or undefined. */
export function checkBullyConfig(config: BullyConfig): string | undefined {
  return (
    checkDetector(config.detector) ??
    checkIntIn(config, "answerTimeoutMs", 1, 3_600_000) ??
    checkIntIn(config, "coordinatorTimeoutMs", 1, 3_600_000) ??
    checkIntIn(config, "announceIntervalMs", 1, 3_600_000) ??
    checkIntIn(config, "holdDownMs", 0, 86_400_000) ??
    checkIntIn(config, "holdDownGrowth", 1, 16)
  );
}
