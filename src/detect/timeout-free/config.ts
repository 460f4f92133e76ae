import { HB_PATH_MAX } from "./messages.js";

/** Settings of the timeout-free heartbeat detector and of its decision helper; times in ms. */
export interface HbConfig {
  /** How often a node sends its heartbeat to its neighbours (a send period, not a timeout). */
  readonly beatIntervalMs: number;
  /** Heartbeats are relayed along paths of at most this many nodes (1: direct only). */
  readonly pathLengthMax: number;
  /** Decision helper: how often the application looks at the counters. */
  readonly decideIntervalMs: number;
  /** Decision helper: a neighbour whose counter did not grow over this many looks is suspected. */
  readonly stalledLooksMax: number;
  /** The largest cluster (peers, self excluded) one node tracks. */
  readonly peerCountMax: number;
}

/** Beats every 100 ms relayed over paths of two; the helper suspects after 5 looks 100 ms apart without growth. */
export const HB_DEFAULTS: HbConfig = {
  beatIntervalMs: 100,
  pathLengthMax: 2,
  decideIntervalMs: 100,
  stalledLooksMax: 5,
  peerCountMax: 1024,
};

/** Returns the first problem with `c` as `field: expected …, got …`, or undefined. */
export function checkHbConfig(c: HbConfig): string | undefined {
  const fields: [keyof HbConfig, number, number][] = [
    ["beatIntervalMs", 1, 3_600_000],
    ["pathLengthMax", 1, HB_PATH_MAX],
    ["decideIntervalMs", 1, 3_600_000],
    ["stalledLooksMax", 1, 1_000_000],
    ["peerCountMax", 1, 100_000],
  ];
  for (const [field, min, max] of fields) {
    const v: unknown = c[field];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      return `${field}: expected an integer in [${min}, ${max}], got ${String(v)}`;
    }
  }
  return undefined;
}
