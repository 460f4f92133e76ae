import type { NodeId } from "../../core/index.js";

/**
 * Settings of SWIM (Das, Gupta, Motivala 2002) and its Lifeguard extensions
 * (Dadgar et al. 2018). Times are in milliseconds. The defaults follow
 * memberlist's LAN profile (1 s period, 500 ms probe timeout, 3 indirect
 * probes, λ = 4, suspicion multiplier 4 and 6× maximum, health up to 8×).
 */
export interface SwimConfig {
  /** The protocol period T': one probe starts per period. */
  readonly probeIntervalMs: number;
  /** How long to wait for a direct ack before asking `indirectProbes` members. */
  readonly probeTimeoutMs: number;
  /** k: how many members relay an indirect probe (ping-req). */
  readonly indirectProbes: number;
  /** λ: each update is piggybacked λ·⌈log10(n+1)⌉ times. */
  readonly retransmitMult: number;
  /** Most updates piggybacked on one message. */
  readonly piggybackMax: number;
  /** Suspicion timeout (min) = suspicionMult · max(1, log10 n) · probeIntervalMs. */
  readonly suspicionMult: number;
  /** Lifeguard: the suspicion timeout starts at this multiple of the minimum and shrinks with confirmations. */
  readonly suspicionMaxTimeoutMult: number;
  /** Whether suspicion is used at all; without it a failed probe declares the member dead at once (basic SWIM, §3). */
  readonly suspicion: boolean;
  /**
   * Lifeguard: the local health multiplier (raised by missed acks and nacks and
   * by refuting, lowered by answered probes) stretches the probe timeout and the
   * time an unanswered probe is given before it is judged failed; an answered
   * probe still ends at the base period (as memberlist does it).
   */
  readonly localHealth: boolean;
  /** Lifeguard: the largest local health multiplier. */
  readonly healthMax: number;
  /** Lifeguard: suspicion timeouts that shrink with independent confirmations (else fixed at the minimum). */
  readonly dynamicSuspicion: boolean;
  /** Lifeguard: tell a suspected member that it is suspected when probing it. */
  readonly buddy: boolean;
  /**
   * Ours, in Lifeguard's spirit (not in the paper or memberlist): a failed probe
   * during which neither the target nor any relay answered (not even a nack)
   * is evidence against this node, not the target, so it suspects no one while
   * its health multiplier is below `healthMax` (it still raises the multiplier).
   * Needs `localHealth` (relays nack only then) and at least one relay.
   */
  readonly blameSelfWhenUnheard: boolean;
  /** Every this many ms, exchange the full member list with one random member (even a dead one), so partitions heal. */
  readonly syncIntervalMs: number;
  /**
   * Members to join through. Empty: every node of the cluster is a member from
   * the start. Otherwise a node knows only these at start and joins through them.
   */
  readonly seeds: readonly NodeId[];
  /** The largest membership one node tracks. */
  readonly memberCountMax: number;
}

/** memberlist's LAN profile with all Lifeguard extensions on, and our self-blame rule (`blameSelfWhenUnheard`). */
export const SWIM_DEFAULTS: SwimConfig = {
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  indirectProbes: 3,
  retransmitMult: 4,
  piggybackMax: 8,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  suspicion: true,
  localHealth: true,
  healthMax: 8,
  dynamicSuspicion: true,
  buddy: true,
  blameSelfWhenUnheard: true,
  syncIntervalMs: 30_000,
  seeds: [],
  memberCountMax: 10_000,
};

/** Plain SWIM: the same settings with every Lifeguard extension (and the self-blame rule) off. */
export const SWIM_PLAIN: SwimConfig = {
  ...SWIM_DEFAULTS,
  localHealth: false,
  dynamicSuspicion: false,
  buddy: false,
  blameSelfWhenUnheard: false,
};

/** Bounds every SWIM setting must respect. */
export const SWIM_LIMITS = {
  timeMsMax: 3_600_000,
  indirectProbesMax: 16,
  piggybackMaxMax: 64,
  multMax: 100,
  memberCountMaxMax: 100_000,
} as const;

type NumericField = {
  [K in keyof SwimConfig]: SwimConfig[K] extends number ? K : never;
}[keyof SwimConfig];

function checkInt(
  c: SwimConfig,
  field: NumericField,
  min: number,
  max: number,
): string | undefined {
  const v: unknown = c[field];
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
    ? undefined
    : `${field}: expected an integer in [${min}, ${max}], got ${String(v)}`;
}

const FLAGS = [
  "suspicion",
  "localHealth",
  "dynamicSuspicion",
  "buddy",
  "blameSelfWhenUnheard",
] as const;

function checkFlags(c: SwimConfig): string | undefined {
  for (const f of FLAGS) {
    if (typeof c[f] !== "boolean") return `${f}: expected a boolean, got ${String(c[f])}`;
  }
  if (!Array.isArray(c.seeds))
    return `seeds: expected an array of node ids, got ${String(c.seeds)}`;
  for (let i = 0; i < c.seeds.length; i++) {
    const s: unknown = c.seeds[i];
    if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) {
      return `seeds[${i}]: expected a node id, got ${String(s)}`;
    }
  }
  return undefined;
}

/** Returns the first problem with `c` as `field: expected …, got …`, or undefined. */
export function checkSwimConfig(c: SwimConfig): string | undefined {
  const L = SWIM_LIMITS;
  const problem =
    checkInt(c, "probeIntervalMs", 1, L.timeMsMax) ??
    checkInt(c, "probeTimeoutMs", 1, L.timeMsMax) ??
    checkInt(c, "indirectProbes", 0, L.indirectProbesMax) ??
    checkInt(c, "retransmitMult", 1, L.multMax) ??
    checkInt(c, "piggybackMax", 1, L.piggybackMaxMax) ??
    checkInt(c, "suspicionMult", 1, L.multMax) ??
    checkInt(c, "suspicionMaxTimeoutMult", 1, L.multMax) ??
    checkInt(c, "healthMax", 1, L.multMax) ??
    checkInt(c, "syncIntervalMs", 1, L.timeMsMax) ??
    checkInt(c, "memberCountMax", 2, L.memberCountMaxMax) ??
    checkFlags(c);
  if (problem !== undefined) return problem;
  if (c.probeTimeoutMs >= c.probeIntervalMs) {
    return `probeTimeoutMs: expected less than probeIntervalMs (${c.probeIntervalMs}), got ${c.probeTimeoutMs}`;
  }
  return undefined;
}
