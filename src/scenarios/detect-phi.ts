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

/** `detect-phi`: φ accrual with the normal distribution (Akka's), threshold 8. */
export const detectPhiScenario = detectScenario({
  name: "detect-phi",
  summary: `phi-accrual (normal, threshold 8, 100 ms heartbeats); every crash suspected by every live member within ${phiBounds(PHI_DEFAULTS).detectMs} ms`,
  protocol: phiProtocol,
  config: () => PHI_DEFAULTS,
  bounds: () => phiBounds(PHI_DEFAULTS),
});

/** `detect-phi-exponential`: φ accrual with the exponential distribution (Cassandra's), threshold 8. */
export const detectPhiExponentialScenario = detectScenario({
  name: "detect-phi-exponential",
  summary: `phi-accrual (exponential as Cassandra, threshold 8); every crash suspected by every live member within ${phiBounds({ ...PHI_DEFAULTS, distribution: "exponential" }).detectMs} ms`,
  protocol: phiProtocol,
  config: () => ({ ...PHI_DEFAULTS, distribution: "exponential" }),
  bounds: () => phiBounds({ ...PHI_DEFAULTS, distribution: "exponential" }),
});
