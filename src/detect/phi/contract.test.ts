import { detectorContract } from "../contract/detector-contract.js";
import { PHI_DEFAULTS } from "./config.js";
import { phiProtocol } from "./protocol.js";

// Normal: mean ≈ 100 + pause 200, sd ≥ 20: φ = 8 about 100 ms after the mean, ~410 ms of silence.
detectorContract({
  protocol: phiProtocol,
  config: PHI_DEFAULTS,
  warmupMs: 2000,
  detectBoundMs: 600,
  recoverBoundMs: 120,
});

// Exponential: φ = 8 at 8 · mean · ln 10 ≈ 1842 ms of silence.
detectorContract({
  protocol: { ...phiProtocol, name: "phi (exponential)" },
  config: { ...PHI_DEFAULTS, distribution: "exponential" },
  warmupMs: 2000,
  detectBoundMs: 2000,
  recoverBoundMs: 120,
});
