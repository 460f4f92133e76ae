import type { NodeId, ProtocolNode } from "../core/index.js";
import { HEARTBEAT_DEFAULTS } from "../detect/heartbeat/config.js";
import { heartbeatProtocol } from "../detect/heartbeat/protocol.js";
import { PHI_DEFAULTS, type PhiConfig } from "../detect/phi/config.js";
import type { PhiNode } from "../detect/phi/node.js";
import { phiProtocol } from "../detect/phi/protocol.js";
import type { LinkOverride } from "../sim/types.js";
import type { QosDetector, QosScenario, QosTiming } from "./detectors-qos.js";
import { runQos } from "./detectors-qos.js";
import { lognormalMs } from "./latency-shaper.js";

/**
 * A network on which the fixed deadline's and φ's detection-time against
 * mistake-rate curves are drawn: its condition, when the crash falls in each
 * seed's run, and the two sweeps (chosen to cover the same detection times).
 */
export interface CurveCondition {
  readonly name: string;
  /** A few words for the plot's title. */
  readonly title: string;
  /** The condition in one line, for the printed tables. */
  readonly description: string;
  readonly scenario: QosScenario;
  readonly timing: (seed: number) => QosTiming;
  readonly deadlinesMs: readonly number[];
  readonly thresholds: readonly number[];
  /** Runs per seed (seeds 1..seeds·runsPerSeed), for short runs that count few mistakes each. Default 1. */
  readonly runsPerSeed?: number;
}

/** The members of a curve run. */
export const CURVE_N = 8;
const WARMUP_MS = 10_000;

/** Heavy log-normal jitter on every link alike, unchanging: median 20 ms, σ = 1.2. */
const STEADY: CurveCondition = {
  name: "jitter",
  title: "steady heavy jitter",
  description: "steady heavy jitter: log-normal latency, median 20 ms, sigma 1.2, every link alike",
  scenario: {
    name: "jitter-heavy",
    network: { latency: { kind: "lognormal", medianMs: 20, sigma: 1.2 } },
    faults: () => [],
  },
  timing: () => ({ warmupMs: WARMUP_MS, crashAtMs: 310_000, afterCrashMs: 20_000 }),
  deadlinesMs: [200, 250, 300, 350, 400, 450, 500],
  thresholds: [1, 2, 3, 5, 8, 12, 16],
};

/**
 * The same steady jitter seen by young windows: each run counts mistakes from
 * 2 s to 24 s (the QoS table's timeline), so φ's window holds 20 to 220
 * samples; 12 runs per seed, to count as many mistakes as the long runs.
 */
const YOUNG: CurveCondition = {
  ...STEADY,
  name: "young",
  title: "steady jitter, young windows",
  description:
    "steady heavy jitter as above, seen by young windows: mistakes counted from 2 s to 24 s, so phi's window holds 20-220 samples; 12 runs per seed",
  timing: () => ({ warmupMs: 2_000, crashAtMs: 24_000, afterCrashMs: 16_000 }),
  runsPerSeed: 12,
};

/** Members 0..3 in one region, 4..7 in another: 1–5 ms inside, log-normal median 30 ms, σ = 1 across. */
function twoRegionLinks(n: number): LinkOverride[] {
  const links: LinkOverride[] = [];
  const half = n / 2;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a < half !== b < half)
        links.push({ from: a, to: b, latency: { kind: "lognormal", medianMs: 30, sigma: 1 } });
    }
  }
  return links;
}

/** Two regions: quiet links inside each, heavy jitter between them. The crashed member's region holds 3 of its 7 observers. */
const REGIONS: CurveCondition = {
  name: "regions",
  title: "two regions",
  description:
    "two regions of 4: 1-5 ms inside each, log-normal median 30 ms, sigma 1, across; the crashed member's region holds 3 of its 7 observers",
  scenario: { name: "regions", network: { links: twoRegionLinks(CURVE_N) }, faults: () => [] },
  timing: () => ({ warmupMs: WARMUP_MS, crashAtMs: 310_000, afterCrashMs: 20_000 }),
  deadlinesMs: [200, 250, 300, 350, 400, 450, 500],
  thresholds: [1, 2, 3, 5, 8, 12, 16],
};

/** The drift's period: latency rises and falls back once every 10 minutes. */
export const DRIFT_PERIOD_MS = 600_000;

/** Median of the drifting extra latency at `atMs`: from 1 ms up to 60 ms and back, a cosine of period DRIFT_PERIOD_MS. */
export function driftMedianMs(atMs: number): number {
  return 1 + (59 * (1 - Math.cos((2 * Math.PI * atMs) / DRIFT_PERIOD_MS))) / 2;
}

/**
 * Latency that drifts slowly: on every link, beside the default 1–5 ms, a
 * log-normal extra (σ = 1, so its spread grows with it, as queueing delay
 * does) whose median follows `driftMedianMs`. Each seed crashes its member at
 * a different phase of the drift (the golden-ratio sequence over one period),
 * so mean detection time averages over quiet and busy moments.
 */
const DRIFT: CurveCondition = {
  name: "drift",
  title: "drifting latency",
  description:
    "drifting latency: 1-5 ms plus log-normal, sigma 1, median 1 -> 60 -> 1 ms over 10 min; crashes spread over the cycle",
  scenario: {
    name: "drift",
    network: {},
    shape: (_from, _to, atMs, rng) => lognormalMs(rng, driftMedianMs(atMs), 1),
    faults: () => [],
  },
  timing: (seed) => ({
    warmupMs: WARMUP_MS,
    crashAtMs: 120_000 + Math.round(((seed * 0.6180339887) % 1) * DRIFT_PERIOD_MS),
    afterCrashMs: 20_000,
  }),
  deadlinesMs: [200, 250, 300, 350, 400, 450, 500, 600],
  thresholds: [1, 2, 3, 5, 8, 12, 16, 20],
};

/** The conditions of `cohort bench detectors --curves`. */
export const CURVE_CONDITIONS: readonly CurveCondition[] = [STEADY, YOUNG, REGIONS, DRIFT];

/** Mean, deviation and spread of φ's per-link deadline, sampled once a second over the mistake window. */
export interface DeadlineSpread {
  readonly meanMs: number;
  readonly sdMs: number;
  readonly p5Ms: number;
  readonly p95Ms: number;
}

/** One point of a detection-time against mistake-rate curve. */
export interface CurvePoint {
  readonly condition: string;
  readonly detector: string;
  /** The swept setting: the deadline (ms) for heartbeat, the threshold for φ. */
  readonly setting: number;
  /** Mean over seeds and observers of the time from the crash to each member's detection. */
  readonly detectionMsMean: number;
  readonly mistakesPerMemberHour: number;
  /** The false suspicions counted, over all seeds. */
  readonly mistakes: number;
  /** φ only: its deadline for each link over time. */
  readonly phiDeadline?: DeadlineSpread;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function spreadOf(xs: number[]): DeadlineSpread {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const variance = s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length;
  return {
    meanMs: mean,
    sdMs: Math.sqrt(variance),
    p5Ms: quantile(s, 0.05),
    p95Ms: quantile(s, 0.95),
  };
}

/** Runs one setting of one sweep over seeds 1..`seeds` (times the condition's runs per seed). */
export function curvePoint(
  c: CurveCondition,
  d: QosDetector,
  setting: number,
  seeds: number,
): CurvePoint {
  let detectSum = 0;
  let detectCount = 0;
  let mistakes = 0;
  let memberHours = 0;
  const deadlines: number[] = [];
  const isPhi = d.protocol === phiProtocol;
  for (let seed = 1; seed <= seeds * (c.runsPerSeed ?? 1); seed++) {
    const timing = c.timing(seed);
    const sample = (nodes: readonly (ProtocolNode<unknown, unknown> | undefined)[]) => {
      for (let a = 0; a < nodes.length; a++) {
        const node = nodes[a] as PhiNode | undefined;
        if (node === undefined) continue;
        for (let b = 0; b < nodes.length; b++)
          if (b !== a) deadlines.push(node.suspectAfterMs(b as NodeId));
      }
    };
    const sampling = isPhi ? { everyMs: 1_000, fromMs: timing.warmupMs, sample } : undefined;
    const r = runQos(d, c.scenario, CURVE_N, seed, timing, sampling);
    mistakes += r.mistakes;
    memberHours += (CURVE_N * (timing.crashAtMs - timing.warmupMs)) / 3_600_000;
    for (const ms of r.perObserverMs) {
      detectSum += ms;
      detectCount += 1;
    }
  }
  return {
    condition: c.name,
    detector: d.name,
    setting,
    detectionMsMean: detectCount === 0 ? Number.POSITIVE_INFINITY : detectSum / detectCount,
    mistakesPerMemberHour: mistakes / memberHours,
    mistakes,
    ...(isPhi ? { phiDeadline: spreadOf(deadlines) } : {}),
  };
}

/** A φ configuration swept beside the defaults: its series name and what it changes. */
export interface PhiVariant {
  readonly name: string;
  readonly config: Partial<PhiConfig>;
}

/** φ as `detect-phi` runs it (Akka's 1000-sample window), without acceptable pause. */
export const PHI_AS_DEFAULT: PhiVariant = { name: "phi", config: {} };

/** φ with a 200-sample window (20 s of 100 ms heartbeats): it follows a drift sooner, with a noisier estimate. */
export const PHI_SHORT_WINDOW: PhiVariant = { name: "phi-w200", config: { sampleCountMax: 200 } };

/** The φ curves of `cohort bench detectors --curves`: the default window and a short one. */
export const CURVE_PHI_VARIANTS: readonly PhiVariant[] = [PHI_AS_DEFAULT, PHI_SHORT_WINDOW];

/**
 * The fixed deadline's curve (a deadline sweep) and φ's (a threshold sweep,
 * no acceptable pause, one curve per variant) under condition `c`.
 */
export function conditionCurves(
  c: CurveCondition,
  seeds: number,
  variants: readonly PhiVariant[] = [PHI_AS_DEFAULT],
): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const deadlineMs of c.deadlinesMs) {
    const d = {
      name: "heartbeat",
      protocol: heartbeatProtocol,
      config: { ...HEARTBEAT_DEFAULTS, deadlineMs },
    };
    points.push(curvePoint(c, d, deadlineMs, seeds));
  }
  for (const v of variants) {
    for (const threshold of c.thresholds) {
      const d = {
        name: v.name,
        protocol: phiProtocol,
        config: { ...PHI_DEFAULTS, ...v.config, threshold, acceptablePauseMs: 0 },
      };
      points.push(curvePoint(c, d, threshold, seeds));
    }
  }
  return points;
}

/** One φ point beside the fixed deadline's curve at the same mean detection time. */
export interface MatchedPoint {
  readonly condition: string;
  /** The φ series (variant) the point is on. */
  readonly detector: string;
  readonly threshold: number;
  readonly detectionMsMean: number;
  readonly phiMistakesPerMemberHour: number;
  /** The deadline curve at the same mean detection time; undefined outside the swept range. */
  readonly deadlineMistakesPerMemberHour: number | undefined;
}

/**
 * The fixed deadline's mistake rate at detection time `t`, from its curve:
 * geometric interpolation between the two swept points around `t` (the curve
 * falls about exponentially); 0 when the later point made no mistake (which
 * favours the deadline, never φ); undefined outside the sweep.
 */
export function deadlineMistakesAt(curve: readonly CurvePoint[], t: number): number | undefined {
  const pts = [...curve].sort((a, b) => a.detectionMsMean - b.detectionMsMean);
  for (let i = 0; i + 1 < pts.length; i++) {
    const lo = pts[i]!;
    const hi = pts[i + 1]!;
    if (t < lo.detectionMsMean || t > hi.detectionMsMean) continue;
    if (hi.mistakesPerMemberHour === 0) return 0;
    const span = hi.detectionMsMean - lo.detectionMsMean;
    const f = span === 0 ? 0 : (t - lo.detectionMsMean) / span;
    if (lo.mistakesPerMemberHour === 0) return 0;
    return lo.mistakesPerMemberHour ** (1 - f) * hi.mistakesPerMemberHour ** f;
  }
  return undefined;
}

/** Every φ point of `points` matched against the deadline curve of its condition. */
export function matchCurves(points: readonly CurvePoint[]): MatchedPoint[] {
  const out: MatchedPoint[] = [];
  for (const p of points) {
    if (p.detector === "heartbeat") continue;
    const curve = points.filter((q) => q.condition === p.condition && q.detector === "heartbeat");
    out.push({
      condition: p.condition,
      detector: p.detector,
      threshold: p.setting,
      detectionMsMean: p.detectionMsMean,
      phiMistakesPerMemberHour: p.mistakesPerMemberHour,
      deadlineMistakesPerMemberHour: deadlineMistakesAt(curve, p.detectionMsMean),
    });
  }
  return out;
}
