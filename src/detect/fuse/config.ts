/** Settings of the FUSE failure-notification groups; times in ms. */
export interface FuseConfig {
  /** Liveness checking: the root pings every member, and every member answers, this often. */
  readonly pingIntervalMs: number;
  /** A tree neighbour silent this long fails the group. */
  readonly silenceMs: number;
  /** After a group fails, the member of rank r (position by id) tries to create the next one after (r + 1) × this. */
  readonly createDelayMs: number;
  /** A creator forms its group from the members that accepted within this long. */
  readonly createTimeoutMs: number;
  /** A root invites the members it left out this often; one that answers makes it rebuild the group with it. */
  readonly inviteIntervalMs: number;
  /** The largest group. */
  readonly memberCountMax: number;
}

/** 100 ms pings, 400 ms silence, creation staggered by 100 ms per rank, invitations every second. */
export const FUSE_DEFAULTS: FuseConfig = {
  pingIntervalMs: 100,
  silenceMs: 400,
  createDelayMs: 100,
  createTimeoutMs: 100,
  inviteIntervalMs: 1000,
  memberCountMax: 1024,
};

/** Returns the first problem with `c` as `field: expected …, got …`, or undefined. */
export function checkFuseConfig(c: FuseConfig): string | undefined {
  const fields: [keyof FuseConfig, number, number][] = [
    ["pingIntervalMs", 1, 3_600_000],
    ["silenceMs", 1, 3_600_000],
    ["createDelayMs", 1, 3_600_000],
    ["createTimeoutMs", 1, 3_600_000],
    ["inviteIntervalMs", 1, 3_600_000],
    ["memberCountMax", 2, 100_000],
  ];
  for (const [field, min, max] of fields) {
    const v: unknown = c[field];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      return `${field}: expected an integer in [${min}, ${max}], got ${String(v)}`;
    }
  }
  if (c.silenceMs <= c.pingIntervalMs) {
    return `silenceMs: expected more than pingIntervalMs (${c.pingIntervalMs}), got ${c.silenceMs}`;
  }
  return undefined;
}
