import type { HeartbeatConfig } from "../../detect/index.js";
import { checkDetector, checkIntIn, ELECT_DETECTOR_DEFAULTS } from "../config.js";

/** Settings of the invitation election; every time is in milliseconds. */
export interface InvitationConfig {
  /** The embedded heartbeat failure detector. */
  readonly detector: HeartbeatConfig;
  /** How often a group leader looks for other leaders and re-announces its group to its members. */
  readonly checkIntervalMs: number;
  /** How long a leader that agreed to join another group waits to be taken in before it leads alone again. */
  readonly mergeTimeoutMs: number;
}

/** Looks for other groups every 300 ms; a merge must complete within 500 ms. */
export const INVITATION_DEFAULTS: InvitationConfig = {
  detector: ELECT_DETECTOR_DEFAULTS,
  checkIntervalMs: 300,
  mergeTimeoutMs: 500,
};

/** Returns the first problem with `config` as `field: expected …, got …`, or undefined. */
export function checkInvitationConfig(config: InvitationConfig): string | undefined {
  return (
    checkDetector(config.detector) ??
    checkIntIn(config, "checkIntervalMs", 1, 3_600_000) ??
    checkIntIn(config, "mergeTimeoutMs", 1, 3_600_000)
  );
}
