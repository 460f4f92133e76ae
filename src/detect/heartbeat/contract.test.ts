import { detectorContract } from "../contract/detector-contract.js";
import { HEARTBEAT_DEFAULTS } from "./config.js";
import { heartbeatProtocol } from "./protocol.js";

// Suspicion at deadline + one latency after the last heartbeat; the bound adds one interval of slack.
detectorContract({
  protocol: heartbeatProtocol,
  config: { ...HEARTBEAT_DEFAULTS, intervalMs: 50, deadlineMs: 250 },
  warmupMs: 500,
  detectBoundMs: 250 + 50 + 2,
  recoverBoundMs: 50 + 2,
});
