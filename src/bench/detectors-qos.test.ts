import { describe, expect, it } from "vitest";
import {
  detectionTimes,
  evaluate,
  falseSuspicions,
  QOS_DETECTORS,
  QOS_SCENARIOS,
  qosDriftMedianMs,
} from "./detectors-qos.js";

const ev = (t: number, node: number, type: string, peer: number) => ({
  t,
  node,
  event: { type, peer },
});

describe("detector QoS measures (Chen, Toueg, Aguilera 2002)", () => {
  it("T_D: from the crash to each observer's lasting accusation; first and all", () => {
    const events = [
      ev(900, 0, "suspect", 3), // a mistake before the crash, taken back
      ev(950, 0, "trust", 3),
      ev(1400, 0, "suspect", 3),
      ev(1600, 1, "suspect", 3),
      ev(1700, 1, "trust", 3), // taken back: its lasting accusation starts later
      ev(1900, 1, "dead", 3),
      ev(1500, 2, "suspect", 3),
    ].sort((a, b) => a.t - b.t);
    expect(detectionTimes(events, 4, 3, 1000)).toEqual({
      detectionMsFirst: 400,
      detectionMsAll: 900,
      perObserverMs: [400, 900, 500],
    });
    expect(
      detectionTimes(
        events.filter((e) => e.node !== 2),
        4,
        3,
        1000,
      ).detectionMsAll,
    ).toBe(Infinity);
  });

  it("mistakes: accusations begun in the window, with their durations clipped at its end", () => {
    const events = [
      ev(100, 0, "suspect", 1),
      ev(300, 0, "trust", 1),
      ev(500, 2, "suspect", 1),
      ev(2000, 2, "trust", 1),
    ];
    expect(falseSuspicions(events, 50, 1000)).toEqual({ mistakes: 2, mistakeMsTotal: 200 + 500 });
    expect(falseSuspicions(events, 200, 1000)).toEqual({ mistakes: 1, mistakeMsTotal: 500 });
  });

  it("an evaluation row: heartbeat on a clean network detects in deadline − last interval, with no mistakes", () => {
    const hb = QOS_DETECTORS.find((d) => d.name === "heartbeat")!;
    const clean = QOS_SCENARIOS.find((s) => s.name === "clean")!;
    const row = evaluate(hb, clean, 4, 1);
    // the crash at 24000 follows a heartbeat at 23900: suspicion at 24400 + latency (1–5 ms)
    expect(row.detectionMsFirst).toBeGreaterThanOrEqual(401);
    expect(row.detectionMsAll).toBeLessThanOrEqual(406);
    expect(row.mistakesPerMemberHour).toBe(0);
    expect(row.msgsPerMemberPerSec).toBeGreaterThan(20);
  });

  it("drift: the latency's median grows from 1 ms to 40 ms at the crash, and detection waits for the late last heartbeats", () => {
    expect(qosDriftMedianMs(0)).toBe(1);
    expect(qosDriftMedianMs(12_000)).toBeCloseTo(20.5, 9);
    expect(qosDriftMedianMs(24_000)).toBe(40);
    expect(qosDriftMedianMs(30_000)).toBe(40);
    const hb = QOS_DETECTORS.find((d) => d.name === "heartbeat")!;
    const at = (name: string) =>
      evaluate(hb, QOS_SCENARIOS.find((s) => s.name === name)!, 4, 1).detectionMsAll;
    // clean: 401–406 ms; drifted: the crashed member's last heartbeats are tens of ms late
    expect(at("drift")).toBeGreaterThan(at("clean") + 20);
  });
});
