import type { HeartbeatConfig } from "../../detect/index.js";
import { checkDetector, checkIntIn, ELECT_DETECTOR_DEFAULTS } from "../config.js";

/** Settings of next-in-line failover; every time is in milliseconds. */
export interface NilConfig {
  /** The embedded heartbeat failure detector. */
  readonly detector: HeartbeatConfig;
  /** How often the leader announces itself and its list of alternates to every member. */
  readonly announceIntervalMs: number;
  /** How long a member waits for the alternate it asked to take over before it asks the next. */
  readonly takeoverTimeoutMs: number;
  /** How long a starting member listens for a leader's announcement before it asks the first in line. */
  readonly listenMs: number;
}

/** 100 ms heartbeats; announcements every 500 ms; 200 ms per alternate asked; 600 ms of listening at start. */
export const NIL_DEFAULTS: NilConfig = {
  detector: ELECT_DETECTOR_DEFAULTS,
  announceIntervalMs: 500,
  takeoverTimeoutMs: 200,
  listenMs: 600,
};

/** Returns the first problem with `config` as `field: expected …, got …`, or undefined. */
export function checkNilConfig(config: NilConfig): string | undefined {
  return (
    checkDetector(config.detector) ??
    checkIntIn(config, "announceIntervalMs", 1, 3_600_000) ??
    checkIntIn(config, "takeoverTimeoutMs", 1, 3_600_000) ??
    checkIntIn(config, "listenMs", 0, 3_600_000)
  );
}
