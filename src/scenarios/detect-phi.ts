import { PHI_DEFAULTS, type PhiConfig } from "../detect/phi/config.js";
import { crossingExponentialMs, crossingNormalMs } from "../detect/phi/phi.js";
import { phiProtocol } from "../detect/phi/protocol.js";
import { DETECT_ASSUMPTIONS } from "./detect-run.js";
import { detectScenario } from "./detect-scenario.js";

/**
 * φ's bounds. Detection: the silence at which φ reaches the threshold for a
 * pessimistic window — mean twice the interval and deviation twice the
 * interval (losses and healed partitions leave long samples behind, up to
 * `sampleMsMax`) — plus the latency bound and 1 ms. Recovery: three
 * intervals (the next heartbeat clears suspicion; on the 1%-loss network two
 * may be lost) plus the latency bound plus 1 ms.
 */
export function phiBounds(c: PhiConfig): { detectMs: number; recoverMs: number } {
  const meanMs = 2 * c.intervalMs;
  const crossingMs =
    c.distribution === "exponential"
      ? crossingExponentialMs(c.threshold, meanMs)
      : crossingNormalMs(
          c.threshold,
          meanMs + c.acceptablePauseMs,
          Math.max(c.minStdDeviationMs, meanMs),
        );
  const latencyMs = DETECT_ASSUMPTIONS.latencyBoundMs;
  return {
    detectMs: Math.ceil(crossingMs) + latencyMs + 1,
    recoverMs: 3 * c.intervalMs + latencyMs + 1,
  };
}

/**
 * φ's detection bound once its window may hold a sample stretched by a
 * latency spike of `spikeMs`: consecutive heartbeats can then arrive up to
 * G = interval + spike + latency bound apart (at most `sampleMsMax`, beyond
 * which nothing is sampled). Over every window of samples in [0, G], the
 * crossing mean + pause + y·sd is largest for a two-point window (a share p
 * at G, the rest at 0): maximised over p. Exponential: the mean is at most G.
 * Plus the latency bound and 1 ms. Sound for any window, so it is loose for
 * a long one; it matters when a spike hits a young window (seed 186 of
 * `--nemesis crash,replay,delay,corrupt --rate 1`: a 576 ms spike in the first
 * second put a 675 ms sample among three).
 */
export function phiSpikeDetectMs(c: PhiConfig, spikeMs: number): number {
  const latencyMs = DETECT_ASSUMPTIONS.latencyBoundMs;
  const g = Math.min(c.sampleMsMax, c.intervalMs + spikeMs + latencyMs);
  let crossingMs = 0;
  if (c.distribution === "exponential") crossingMs = crossingExponentialMs(c.threshold, g);
  else {
    for (let i = 0; i <= 1000; i++) {
      const p = i / 1000;
      const sd = Math.max(c.minStdDeviationMs, g * Math.sqrt(p * (1 - p)));
      crossingMs = Math.max(
        crossingMs,
        crossingNormalMs(c.threshold, g * p + c.acceptablePauseMs, sd),
      );
    }
  }
  return Math.ceil(crossingMs) + latencyMs + 1;
}

/** `detect-phi`: φ accrual with the normal distribution (Akka's), threshold 8. */
export const detectPhiScenario = detectScenario({
  name: "detect-phi",
  summary: `phi-accrual (normal, threshold 8, 100 ms heartbeats); every crash suspected by every live member within ${phiBounds(PHI_DEFAULTS).detectMs} ms`,
  protocol: phiProtocol,
  config: () => PHI_DEFAULTS,
  bounds: () => phiBounds(PHI_DEFAULTS),
  assumptions: { ...DETECT_ASSUMPTIONS, spikeDetectMs: (ms) => phiSpikeDetectMs(PHI_DEFAULTS, ms) },
});

/** `detect-phi-exponential`: φ accrual with the exponential distribution (Cassandra's), threshold 8. */
export const detectPhiExponentialScenario = detectScenario({
  name: "detect-phi-exponential",
  summary: `phi-accrual (exponential as Cassandra, threshold 8); every crash suspected by every live member within ${phiBounds({ ...PHI_DEFAULTS, distribution: "exponential" }).detectMs} ms`,
  protocol: phiProtocol,
  config: () => ({ ...PHI_DEFAULTS, distribution: "exponential" }),
  bounds: () => phiBounds({ ...PHI_DEFAULTS, distribution: "exponential" }),
  // No spike rule here: the exponential's crossing follows the window's mean alone, which one
  // stretched sample moves by G/k, and 1,000 seeds of crash,replay,delay,corrupt at rate 1 found
  // no crash it missed; phiSpikeDetectMs would allow 8·ln10·G (13 s for a 576 ms spike).
});
