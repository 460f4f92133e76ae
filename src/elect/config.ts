import type { HeartbeatConfig } from "../detect/index.js";
import { checkHeartbeatConfig, HEARTBEAT_DEFAULTS } from "../detect/index.js";

/** The embedded detector every election uses by default: 100 ms heartbeats, 500 ms deadline. */
export const ELECT_DETECTOR_DEFAULTS: HeartbeatConfig = HEARTBEAT_DEFAULTS;

/** Returns `field: expected …, got …` when `value` is not an integer in [min, max]. */
export function checkIntIn(
  config: object,
  field: string,
  min: number,
  max: number,
): string | undefined {
  const value: unknown = (config as Record<string, unknown>)[field];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    return `${field}: expected an integer in [${min}, ${max}], got ${String(value)}`;
  }
  return undefined;
}

/** Checks the embedded detector's settings, naming the field as `detector.FIELD`. */
export function checkDetector(detector: unknown): string | undefined {
  if (typeof detector !== "object" || detector === null) {
    return `detector: expected heartbeat settings, got ${String(detector)}`;
  }
  const problem = checkHeartbeatConfig(detector as HeartbeatConfig);
  return problem === undefined ? undefined : `detector.${problem}`;
}
