/** Settings of the phi-accrual detector; times in milliseconds. */
export interface PhiConfig {
  /** How often each node heartbeats every peer. */
  readonly intervalMs: number;
  /** A peer whose φ exceeds this is suspected (Akka and Cassandra default to 8). */
  readonly threshold: number;
  /** `normal`: Akka's estimate; `exponential`: Cassandra's. */
  readonly distribution: "normal" | "exponential";
  /** The sampling window: the most inter-arrival times kept per peer (Akka: 1000). */
  readonly sampleCountMax: number;
  /** Normal only: the standard deviation never counts as less than this (Akka: min-std-deviation). */
  readonly minStdDeviationMs: number;
  /** Normal only: added to the mean, so this much extra silence is tolerated (Akka: acceptable-heartbeat-pause). */
  readonly acceptablePauseMs: number;
  /** The window starts from this estimate of the interval (Akka: first-heartbeat-estimate). */
  readonly firstEstimateMs: number;
  /** Inter-arrival times longer than this are not sampled (a crash or partition gap is no heartbeat rhythm; Cassandra's MAX_INTERVAL). */
  readonly sampleMsMax: number;
  /** The largest cluster (peers, self excluded) one node tracks. */
  readonly peerCountMax: number;
}

/** Akka's settings scaled to 100 ms heartbeats, with the normal distribution. */
export const PHI_DEFAULTS: PhiConfig = {
  intervalMs: 100,
  threshold: 8,
  distribution: "normal",
  sampleCountMax: 1000,
  minStdDeviationMs: 20,
  acceptablePauseMs: 200,
  firstEstimateMs: 100,
  sampleMsMax: 1000,
  peerCountMax: 1024,
};

/** Bounds every phi setting must respect. */
export const PHI_LIMITS = {
  timeMsMax: 3_600_000,
  thresholdMax: 1000,
  sampleCountMaxMax: 100_000,
  peerCountMaxMax: 100_000,
} as const;

function checkNumber(
  c: PhiConfig,
  field: keyof PhiConfig,
  min: number,
  max: number,
  integer: boolean,
): string | undefined {
  const v: unknown = c[field];
  const ok = typeof v === "number" && Number.isFinite(v) && v >= min && v <= max;
  if (ok && (!integer || Number.isInteger(v))) return undefined;
  return `${field}: expected ${integer ? "an integer" : "a number"} in [${min}, ${max}], got ${String(v)}`;
}

/** Returns the first problem with `c` as `field: expected …, got …`, or undefined. */
export function checkPhiConfig(c: PhiConfig): string | undefined {
  const L = PHI_LIMITS;
  if (c.distribution !== "normal" && c.distribution !== "exponential") {
    return `distribution: expected "normal" or "exponential", got ${String(c.distribution)}`;
  }
  return (
    checkNumber(c, "intervalMs", 1, L.timeMsMax, true) ??
    checkNumber(c, "threshold", 0.1, L.thresholdMax, false) ??
    checkNumber(c, "sampleCountMax", 2, L.sampleCountMaxMax, true) ??
    checkNumber(c, "minStdDeviationMs", 0.1, L.timeMsMax, false) ??
    checkNumber(c, "acceptablePauseMs", 0, L.timeMsMax, false) ??
    checkNumber(c, "firstEstimateMs", 1, L.timeMsMax, false) ??
    checkNumber(c, "sampleMsMax", 1, L.timeMsMax, false) ??
    checkNumber(c, "peerCountMax", 1, L.peerCountMaxMax, true)
  );
}
