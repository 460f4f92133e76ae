import type { HeartbeatConfig } from "../../detect/index.js";
import { checkDetector, checkIntIn, ELECT_DETECTOR_DEFAULTS } from "../config.js";

/** Settings of the candidate/ordinary election; every time is in milliseconds. */
export interface CandidateConfig {
  /** The embedded heartbeat failure detector. */
  readonly detector: HeartbeatConfig;
  /** How many of the highest ids are candidates (the only ones that may lead). */
  readonly candidateCount: number;
  /** δ per place in the priority order: a node `p` places below the top waits `p × deltaMs` before it elects. */
  readonly deltaMs: number;
  /** How long an elector collects the candidates' answers. */
  readonly collectMs: number;
  /** How often the leader announces itself to every node. */
  readonly announceIntervalMs: number;
  /** How long a starting node listens for an announcement before it elects. */
  readonly listenMs: number;
}

/** Half of an 8-node cluster as candidates; δ 10 ms per place; 100 ms to collect; announcements every 500 ms. */
export const CANDIDATE_DEFAULTS: CandidateConfig = {
  detector: ELECT_DETECTOR_DEFAULTS,
  candidateCount: 4,
  deltaMs: 10,
  collectMs: 100,
  announceIntervalMs: 500,
  listenMs: 600,
};

/** Returns the first problem with `config` as `field: expected …, got …`, or undefined. */
export function checkCandidateConfig(config: CandidateConfig): string | undefined {
  return (
    checkDetector(config.detector) ??
    checkIntIn(config, "candidateCount", 1, 100_000) ??
    checkIntIn(config, "deltaMs", 0, 60_000) ??
    checkIntIn(config, "collectMs", 1, 3_600_000) ??
    checkIntIn(config, "announceIntervalMs", 1, 3_600_000) ??
    checkIntIn(config, "listenMs", 0, 3_600_000)
  );
}
