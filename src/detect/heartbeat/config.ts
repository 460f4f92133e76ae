/** Settings of the heartbeat detector; every time is in milliseconds. */
export interface HeartbeatConfig {
  /** How often each node heartbeats every peer. */
  readonly intervalMs: number;
  /** A peer silent for this long is suspected. Must exceed `intervalMs`. */
  readonly deadlineMs: number;
  /** The largest cluster (peers, self excluded) one node tracks. */
  readonly peerCountMax: number;
}

/** Heartbeats every 100 ms, suspects after 500 ms of silence (five missed heartbeats). */
export const HEARTBEAT_DEFAULTS: HeartbeatConfig = {
  intervalMs: 100,
  deadlineMs: 500,
  peerCountMax: 1024,
};

/** Bounds every heartbeat setting must respect. */
export const HEARTBEAT_LIMITS = {
  intervalMsMin: 1,
  intervalMsMax: 3_600_000,
  deadlineMsMax: 86_400_000,
  peerCountMaxMax: 100_000,
} as const;

function checkRange(
  config: HeartbeatConfig,
  field: keyof HeartbeatConfig,
  min: number,
  max: number,
): string | undefined {
  const value: unknown = config[field];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return `${field}: expected an integer in [${min}, ${max}], got ${String(value)}`;
  }
  return undefined;
}

/** Returns the first problem with `config` as `field: expected …, got …`, or undefined. */
export function checkHeartbeatConfig(config: HeartbeatConfig): string | undefined {
  const L = HEARTBEAT_LIMITS;
  const problem =
    checkRange(config, "intervalMs", L.intervalMsMin, L.intervalMsMax) ??
    checkRange(config, "deadlineMs", L.intervalMsMin, L.deadlineMsMax) ??
    checkRange(config, "peerCountMax", 1, L.peerCountMaxMax);
  if (problem !== undefined) return problem;
  if (config.deadlineMs <= config.intervalMs) {
    return `deadlineMs: expected more than intervalMs (${config.intervalMs}), got ${config.deadlineMs}`;
  }
  return undefined;
}
