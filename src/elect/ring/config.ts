import type { HeartbeatConfig } from "../../detect/index.js";
import { checkDetector, checkIntIn, ELECT_DETECTOR_DEFAULTS } from "../config.js";

/** Settings of the ring election; every time is in milliseconds. */
export interface RingConfig {
  /** The embedded heartbeat failure detector. */
  readonly detector: HeartbeatConfig;
  /** How long a participant waits for the round to end in a `ring-leader` before it starts another. */
  readonly roundTimeoutMs: number;
  /** How often a leader sends its announcement once around the ring (repairs lost announcements). */
  readonly announceIntervalMs: number;
}

/** 100 ms heartbeats; a round must end within 300 ms; the leader goes round every second. */
export const RING_DEFAULTS: RingConfig = {
  detector: ELECT_DETECTOR_DEFAULTS,
  roundTimeoutMs: 300,
  announceIntervalMs: 1000,
};

/** Returns the first problem with `config` as `field: expected …, got …`, or undefined. */
export function checkRingConfig(config: RingConfig): string | undefined {
  return (
    checkDetector(config.detector) ??
    checkIntIn(config, "roundTimeoutMs", 1, 3_600_000) ??
    checkIntIn(config, "announceIntervalMs", 1, 3_600_000)
  );
}
