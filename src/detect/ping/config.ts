/** Settings of the ping detector; times in milliseconds. */
export interface PingConfig {
  /** A probe round (one ping to every peer) starts this often. */
  readonly intervalMs: number;
  /** A peer that answers no probe of a round within this long is suspected. */
  readonly probeTimeoutMs: number;
  /** The largest cluster (peers, self excluded) one node tracks. */
  readonly peerCountMax: number;
}

/** A round every 100 ms, 300 ms per probe. */
export const PING_DEFAULTS: PingConfig = {
  intervalMs: 100,
  probeTimeoutMs: 300,
  peerCountMax: 1024,
};

/** Bounds every ping setting must respect. */
export const PING_LIMITS = { timeMsMax: 3_600_000, peerCountMaxMax: 100_000 } as const;

/** Returns the first problem with `c` as `field: expected …, got …`, or undefined. */
export function checkPingConfig(c: PingConfig): string | undefined {
  const fields: [keyof PingConfig, number, number][] = [
    ["intervalMs", 1, PING_LIMITS.timeMsMax],
    ["probeTimeoutMs", 1, PING_LIMITS.timeMsMax],
    ["peerCountMax", 1, PING_LIMITS.peerCountMaxMax],
  ];
  for (const [field, min, max] of fields) {
    const v: unknown = c[field];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      return `${field}: expected an integer in [${min}, ${max}], got ${String(v)}`;
    }
  }
  return undefined;
}
