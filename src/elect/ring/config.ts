import type { HeartbeatConfig } from "../../detect/index.js";
import { checkDetector, checkIntIn, ELECT_DETECTOR_DEFAULTS } from "../config.js";

/** Settings of the ring election; every time is in milliseconds. */
export interface RingConfig {
  /** The embedded heartbeat failure detector. */
  readonly detector: HeartbeatConfig;
  /**
   * How long a participant waits for its round to end in a `ring-leader`
   * before it starts another: this base plus `roundPerMemberMs` for every
   * member, since a round makes one circuit of the ring.
   */
  readonly roundTimeoutMs: number;
  /** What each member adds to the round timeout: one hop of the circuit and its share of retries. */
  readonly roundPerMemberMs: number;
  /** How long a member waits for its successor's `ring-ack` before it sends the message again (to the next successor it trusts). */
  readonly hopTimeoutMs: number;
  /** How often a leader sends its announcement once around the ring (repairs lost announcements). */
  readonly announceIntervalMs: number;
}

/**
 * 100 ms heartbeats; a round must end within 300 ms + 10 ms per member (2.86 s
 * at 256 members); a hop is retried after 30 ms without an acknowledgement;
 * the leader goes round every second.
 */
export const RING_DEFAULTS: RingConfig = {
  detector: ELECT_DETECTOR_DEFAULTS,
  roundTimeoutMs: 300,
  roundPerMemberMs: 10,
  hopTimeoutMs: 30,
  announceIntervalMs: 1000,
};

/** Returns the first problem with `config` as `field: expected …, got …`, or undefined. */
export function checkRingConfig(config: RingConfig): string | undefined {
  return (
    checkDetector(config.detector) ??
    checkIntIn(config, "roundTimeoutMs", 1, 3_600_000) ??
    checkIntIn(config, "roundPerMemberMs", 0, 60_000) ??
    checkIntIn(config, "hopTimeoutMs", 1, 3_600_000) ??
    checkIntIn(config, "announceIntervalMs", 1, 3_600_000)
  );
}
