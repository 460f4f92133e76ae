import type { Scenario } from "../sim/scenario.js";
import { FAULT_VERBS } from "../sim/types.js";
import type { PingPongMsg, PingPongTimer } from "./pingpong-protocol.js";
import { PingPongNode, validatePingPongMsg } from "./pingpong-protocol.js";

const INTERVAL_MS = 100;

/**
 * `pingpong`: every node pings its successor on a ring every 100 ms and
 * answers pings. Check: in a run without faults, each node gets answers to at
 * least half of the pings it could have sent. The simulator's smallest
 * end-to-end test.
 */
export const pingpongScenario: Scenario<PingPongMsg, PingPongTimer> = {
  name: "pingpong",
  summary:
    "each node pings its ring successor every 100 ms; without faults most pings are answered",
  defaults: { nodes: 3, durationMs: 5_000 },
  nodesMin: 1,
  nodesMax: 100_000,
  create: () => new PingPongNode({ intervalMs: INTERVAL_MS, assumeNoDuplicates: false }),
  validate: validatePingPongMsg,
  check(run) {
    if (run.faults.length > 0 || run.nodeCount < 2 || run.violation !== undefined) return [];
    const pongs = new Array<number>(run.nodeCount).fill(0);
    for (const { node, event } of run.events)
      if (event.type === "pong") pongs[node] = (pongs[node] ?? 0) + 1;
    const expected = Math.floor(run.endMs / INTERVAL_MS / 2);
    const violations: string[] = [];
    pongs.forEach((count, node) => {
      if (count < expected) {
        violations.push(
          `n${node} got ${count} pongs in a fault-free run of ${run.endMs} ms; expected at least ${expected}`,
        );
      }
    });
    return violations;
  },
};

/**
 * `pingpong-fragile`: ping-pong with a planted bug — each node asserts it never
 * sees the same ping twice, which holds until the network duplicates or
 * replays a message. Its default nemesis mixes every fault type, so most seeds
 * fail; it is the demonstration and test subject for `cohort shrink`.
 */
export const pingpongFragileScenario: Scenario<PingPongMsg, PingPongTimer> = {
  name: "pingpong-fragile",
  summary:
    "ping-pong with a planted bug (assumes no duplicate messages): for trying sweeps and shrinking",
  defaults: { nodes: 3, durationMs: 10_000, nemesis: { verbs: FAULT_VERBS, ratePerSec: 2 } },
  nodesMin: 2,
  nodesMax: 100_000,
  create: () => new PingPongNode({ intervalMs: INTERVAL_MS, assumeNoDuplicates: true }),
  validate: validatePingPongMsg,
  check: () => [],
};
