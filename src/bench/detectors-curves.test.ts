import { describe, expect, it } from "vitest";
import { HEARTBEAT_DEFAULTS } from "../detect/heartbeat/config.js";
import { heartbeatProtocol } from "../detect/heartbeat/protocol.js";
import { PHI_DEFAULTS } from "../detect/phi/config.js";
import { phiProtocol } from "../detect/phi/protocol.js";
import {
  CURVE_CONDITIONS,
  type CurveCondition,
  type CurvePoint,
  curvePoint,
  DRIFT_PERIOD_MS,
  deadlineMistakesAt,
  driftMedianMs,
  matchCurves,
} from "./detectors-curves.js";

const pt = (detector: string, setting: number, t: number, m: number): CurvePoint => ({
  condition: "c",
  detector,
  setting,
  detectionMsMean: t,
  mistakesPerMemberHour: m,
  mistakes: m,
});

describe("matching φ against the fixed deadline at equal detection time", () => {
  const curve = [
    pt("heartbeat", 200, 100, 1000),
    pt("heartbeat", 300, 200, 10),
    pt("heartbeat", 400, 300, 0),
  ];

  it("interpolates the deadline curve geometrically between its neighbours", () => {
    expect(deadlineMistakesAt(curve, 100)).toBeCloseTo(1000, 9);
    expect(deadlineMistakesAt(curve, 150)).toBeCloseTo(100, 9);
    expect(deadlineMistakesAt(curve, 200)).toBeCloseTo(10, 9);
  });

  it("never flatters φ: 0 next to a point without mistakes, nothing outside the sweep", () => {
    expect(deadlineMistakesAt(curve, 250)).toBe(0);
    expect(deadlineMistakesAt(curve, 50)).toBeUndefined();
    expect(deadlineMistakesAt(curve, 301)).toBeUndefined();
  });

  it("pairs every φ point (any variant) with its own condition's deadline curve", () => {
    const other = { ...pt("heartbeat", 300, 150, 5), condition: "other" };
    const matched = matchCurves([
      ...curve,
      other,
      pt("phi", 8, 150, 20),
      pt("phi-w200", 8, 150, 30),
    ]);
    expect(matched.map((m) => [m.detector, m.deadlineMistakesPerMemberHour])).toEqual([
      ["phi", expect.closeTo(100, 9)],
      ["phi-w200", expect.closeTo(100, 9)],
    ]);
  });
});

describe("curve conditions", () => {
  const byName = (name: string) => CURVE_CONDITIONS.find((c) => c.name === name)!;
  const short = (c: CurveCondition): CurveCondition => ({
    ...c,
    timing: () => ({ warmupMs: 10_000, crashAtMs: 30_000, afterCrashMs: 5_000 }),
  });
  const phi8 = {
    name: "phi",
    protocol: phiProtocol,
    config: { ...PHI_DEFAULTS, acceptablePauseMs: 0 },
  };

  it("the drift rises from 1 ms to 60 ms and back over its period", () => {
    expect(driftMedianMs(0)).toBeCloseTo(1, 9);
    expect(driftMedianMs(DRIFT_PERIOD_MS / 2)).toBeCloseTo(60, 9);
    expect(driftMedianMs(DRIFT_PERIOD_MS)).toBeCloseTo(1, 9);
  });

  it("φ's deadline is one number on alike links and spreads per link across two regions", () => {
    const steady = curvePoint(short(byName("jitter")), phi8, 8, 1).phiDeadline!;
    const regions = curvePoint(short(byName("regions")), phi8, 8, 1).phiDeadline!;
    expect(steady.p95Ms - steady.p5Ms).toBeLessThan(60);
    // quiet links inside a region get a short deadline, jittery ones across a long one
    expect(regions.p5Ms).toBeLessThan(230);
    expect(regions.p95Ms).toBeGreaterThan(330);
  });
});

describe("runs per seed", () => {
  it("a condition with k runs per seed runs seeds 1..k·seeds: the same points as k times the seeds", () => {
    const base = CURVE_CONDITIONS.find((c) => c.name === "young")!;
    expect(base.runsPerSeed).toBe(12);
    const short = (runsPerSeed: number): CurveCondition => ({
      ...base,
      timing: () => ({ warmupMs: 2_000, crashAtMs: 6_000, afterCrashMs: 2_000 }),
      runsPerSeed,
    });
    const hb = { name: "heartbeat", protocol: heartbeatProtocol, config: HEARTBEAT_DEFAULTS };
    expect(curvePoint(short(2), hb, 500, 1)).toEqual(curvePoint(short(1), hb, 500, 2));
    expect(curvePoint(short(2), hb, 500, 1)).not.toEqual(curvePoint(short(1), hb, 500, 1));
  });
});
