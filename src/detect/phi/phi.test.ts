import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HeartbeatMsg, HeartbeatTimer } from "../heartbeat/messages.js";
import { ManualNet } from "../testing/manual-net.js";
import { PHI_DEFAULTS, type PhiConfig } from "./config.js";
import type { PhiNode } from "./node.js";
import { crossingExponentialMs, crossingNormalMs, phiExponential, phiNormal } from "./phi.js";
import { phiProtocol } from "./protocol.js";
import { ArrivalWindow } from "./window.js";

describe("φ functions", () => {
  it("normal: the logistic approximation tracks −log10 of the true normal tail", () => {
    // P(Z > 1) = 0.158655, P(Z > 2) = 0.0227501, P(Z > 3) = 0.00134990
    expect(Math.abs(phiNormal(1100, 1000, 100) - -Math.log10(0.158655))).toBeLessThan(0.001);
    expect(Math.abs(phiNormal(1200, 1000, 100) - -Math.log10(0.0227501))).toBeLessThan(0.001);
    expect(Math.abs(phiNormal(1300, 1000, 100) - -Math.log10(0.0013499))).toBeLessThan(0.05);
    expect(phiNormal(1000, 1000, 100)).toBeCloseTo(Math.log10(2), 6);
  });

  it("exponential: φ = t / (mean · ln 10), so φ = 1 at t = mean · ln 10", () => {
    expect(phiExponential(100 * Math.LN10, 100)).toBeCloseTo(1, 12);
    expect(phiExponential(0, 100)).toBe(0);
  });

  it("property: φ is monotone in the silence, and the crossing inverts it", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 5000, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 0.5, max: 12, noNaN: true }),
        (mean, sd, threshold) => {
          expect(phiNormal(mean + sd, mean, sd)).toBeGreaterThanOrEqual(phiNormal(mean, mean, sd));
          const t = crossingNormalMs(threshold, mean, sd);
          expect(phiNormal(t, mean, sd)).toBeGreaterThanOrEqual(threshold - 1e-9);
          expect(phiNormal(Math.max(0, t - 0.02), mean, sd)).toBeLessThan(threshold + 1e-9);
          expect(phiExponential(crossingExponentialMs(threshold, mean), mean)).toBeCloseTo(
            threshold,
            9,
          );
        },
      ),
    );
  });

  it("a wider spread of arrivals pushes the crossing later (φ adapts to jitter)", () => {
    expect(crossingNormalMs(8, 100, 50)).toBeGreaterThan(crossingNormalMs(8, 100, 5) + 200);
  });
});

describe("sampling window", () => {
  it("property: mean and deviation match a direct computation over the last `capacity` samples", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 2, maxLength: 60 }),
        (xs) => {
          const w = new ArrivalWindow(16);
          for (const x of xs) w.add(x);
          const kept = xs.slice(-16);
          const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
          const variance = kept.reduce((a, b) => a + (b - mean) ** 2, 0) / kept.length;
          expect(w.size).toBe(kept.length);
          expect(w.mean()).toBeCloseTo(mean, 6);
          expect(w.stdDeviation()).toBeCloseTo(Math.sqrt(variance), 4);
        },
      ),
    );
  });
});

function cluster(config: Partial<PhiConfig> = {}) {
  const cfg = { ...PHI_DEFAULTS, ...config };
  return new ManualNet<HeartbeatMsg, HeartbeatTimer>({
    ids: [0, 1, 2],
    create: (id) => phiProtocol.create(id, cfg),
    validate: phiProtocol.validate,
    latencyMs: 1,
  });
}

describe("φ accrual detector (Hayashibara et al. 2004)", () => {
  it("golden: a crashed peer is suspected exactly when φ reaches the threshold", () => {
    const net = cluster();
    net.startAll();
    net.runUntil(2000); // n2's last heartbeat (sent 2000) arrives at 2001
    net.crash(2);
    // window: the bootstrap pair (75, 125) and twenty 100 ms intervals: mean 100, sd 7.5 → min 20;
    // with the acceptable pause the mean counts as 300
    const node = net.node<PhiNode>(0);
    // φ's deadline for that link, readable before anything happens
    expect(node.suspectAfterMs(2)).toBeCloseTo(crossingNormalMs(8, 300, 20), 6);
    const expected = 2001 + crossingNormalMs(8, 300, 20);
    net.runUntil(3000);
    const [line] = net.eventLines("suspect").filter((l) => l.includes(" n0 "));
    const at = Number(line?.split(" ")[0]);
    expect(Math.abs(at - expected)).toBeLessThanOrEqual(1.5);
    expect(node.phi(2)).toBeGreaterThan(8);
  });

  it("§3 properties: φ of a crashed peer grows without bound; φ of a live one stays low", () => {
    const net = cluster();
    net.startAll();
    net.runUntil(2000);
    net.crash(2);
    const node = net.node<PhiNode>(0);
    const samples: number[] = [];
    for (let t = 2100; t <= 4000; t += 100) {
      net.runUntil(t);
      samples.push(node.phi(2));
      expect(node.phi(1)).toBeLessThan(1);
    }
    for (let i = 1; i < samples.length; i++)
      expect(samples[i]).toBeGreaterThanOrEqual(samples[i - 1]!);
    expect(samples.at(-1)).toBeGreaterThan(30);
  });

  it("exponential (Cassandra): suspicion at threshold · mean · ln 10 after the last heartbeat", () => {
    const net = cluster({ distribution: "exponential" });
    net.startAll();
    net.runUntil(5000);
    net.crash(2);
    net.runUntil(8000);
    const [line] = net.eventLines("suspect").filter((l) => l.includes(" n0 "));
    const at = Number(line?.split(" ")[0]);
    // mean ≈ 100 ms (the bootstrap pair averages 100 too): 8 · 100 · ln 10 ≈ 1842 ms after 5001
    expect(at).toBeGreaterThan(5001 + 1830);
    expect(at).toBeLessThan(5001 + 1855);
  });

  it("config names the bad field", () => {
    const c = (o: Partial<PhiConfig>) => phiProtocol.checkConfig({ ...PHI_DEFAULTS, ...o });
    expect(c({ distribution: "gamma" as "normal" })).toBe(
      'distribution: expected "normal" or "exponential", got gamma',
    );
    expect(c({ threshold: 0 })).toBe("threshold: expected a number in [0.1, 1000], got 0");
    expect(c({ sampleCountMax: 1 })).toBe(
      "sampleCountMax: expected an integer in [2, 100000], got 1",
    );
  });
});
