import { detectorContract } from "../contract/detector-contract.js";
import { SWIM_DEFAULTS, SWIM_PLAIN } from "./config.js";
import { swimProtocol } from "./protocol.js";

const fast = { probeIntervalMs: 100, probeTimeoutMs: 40, syncIntervalMs: 1000 };

// With 5 members a prober reaches a given member within 2·(5−1)−1 = 7 periods; suspicion
// then spreads on the next probes. 20 periods bound detection by every member.
detectorContract({
  protocol: swimProtocol,
  config: { ...SWIM_DEFAULTS, ...fast },
  warmupMs: 500,
  detectBoundMs: 2000,
  recoverBoundMs: 5000,
});

detectorContract({
  protocol: { ...swimProtocol, name: "swim (plain, no Lifeguard)" },
  config: { ...SWIM_PLAIN, ...fast },
  warmupMs: 500,
  detectBoundMs: 2000,
  recoverBoundMs: 5000,
});
