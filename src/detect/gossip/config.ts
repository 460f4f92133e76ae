/** Settings of gossip-style failure detection (van Renesse, Minsky, Hayden 1998); times in ms. */
export interface GossipConfig {
  /** T_gossip: every round a member bumps its counter and sends its list to `fanout` random members. */
  readonly gossipIntervalMs: number;
  /** How many random members each round's list goes to (the paper: one). */
  readonly fanout: number;
  /** T_fail: a member whose counter has not grown for this long is declared failed. */
  readonly failMs: number;
  /** T_cleanup: a failed member is forgotten this long after it was declared failed (the paper: 2 × T_fail). */
  readonly cleanupMs: number;
  /** The largest membership one node tracks. */
  readonly memberCountMax: number;
}

/** 100 ms rounds to one member, T_fail = 15 rounds, T_cleanup = 2 × T_fail. */
export const GOSSIP_DEFAULTS: GossipConfig = {
  gossipIntervalMs: 100,
  fanout: 1,
  failMs: 1500,
  cleanupMs: 3000,
  memberCountMax: 10_000,
};

/** Bounds every gossip-style setting must respect. */
export const GOSSIP_LIMITS = {
  timeMsMax: 3_600_000,
  fanoutMax: 64,
  memberCountMaxMax: 100_000,
} as const;

/** Returns the first problem with `c` as `field: expected …, got …`, or undefined. */
export function checkGossipConfig(c: GossipConfig): string | undefined {
  const L = GOSSIP_LIMITS;
  const fields: [keyof GossipConfig, number, number][] = [
    ["gossipIntervalMs", 1, L.timeMsMax],
    ["fanout", 1, L.fanoutMax],
    ["failMs", 1, L.timeMsMax],
    ["cleanupMs", 1, L.timeMsMax],
    ["memberCountMax", 2, L.memberCountMaxMax],
  ];
  for (const [field, min, max] of fields) {
    const v: unknown = c[field];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      return `${field}: expected an integer in [${min}, ${max}], got ${String(v)}`;
    }
  }
  if (c.failMs <= c.gossipIntervalMs) {
    return `failMs: expected more than gossipIntervalMs (${c.gossipIntervalMs}), got ${c.failMs}`;
  }
  return undefined;
}
