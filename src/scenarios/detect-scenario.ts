import type { Protocol } from "../core/index.js";
import { type DetectionBounds, detectionViolations } from "../detect/check/detection.js";
import type { Scenario, ScenarioDefaults } from "../sim/scenario.js";
import { DETECT_ASSUMPTIONS, type DetectAssumptions, detectionRunOf } from "./detect-run.js";

/**
 * The default run of every `detect-*` scenario: 8 members for 30 s on a
 * network that loses 1% of messages, with crashes, restarts and partitions.
 * (Heavier loss is a nemesis to add: `--nemesis crash,loss`.)
 */
export const DETECT_SCENARIO_DEFAULTS: ScenarioDefaults = {
  nodes: 8,
  durationMs: 30_000,
  network: { lossProbability: 0.01 },
  nemesis: { verbs: ["crash", "restart", "partition"], ratePerSec: 0.3 },
};

/** How one detector is run and judged as a `detect-*` scenario. */
export interface DetectScenarioSpec<M, T, C> {
  readonly name: string;
  readonly protocol: Protocol<M, T, C>;
  /** The detector's configuration for `nodeCount` members. */
  readonly config: (nodeCount: number) => C;
  /** The bounds it promises for `nodeCount` members, with the reasoning in the scenario's summary. */
  readonly bounds: (nodeCount: number) => DetectionBounds;
  readonly summary: string;
  readonly defaults?: ScenarioDefaults;
  readonly nodesMax?: number;
  /** What the check assumes of the network; default `DETECT_ASSUMPTIONS`. */
  readonly assumptions?: DetectAssumptions;
}

/**
 * A scenario that runs a failure detector under the nemesis and fails when a
 * crashed member is not suspected by every live member within `detectMs`
 * (plus the grace of latency spikes), or when, later than `recoverMs` after
 * the last fault healed, a live member stays suspected longer than
 * `recoverMs` (shorter false suspicions on the lossy network are mistakes for
 * the QoS evaluation, not violations).
 */
export function detectScenario<M, T, C>(spec: DetectScenarioSpec<M, T, C>): Scenario<M, T> {
  return {
    name: spec.name,
    summary: spec.summary,
    defaults: spec.defaults ?? DETECT_SCENARIO_DEFAULTS,
    nodesMin: 3,
    nodesMax: spec.nodesMax ?? 1000,
    create: (id, nodeCount) => spec.protocol.create(id, spec.config(nodeCount)),
    validate: (msg) => spec.protocol.validate(msg),
    check(run) {
      // On the lossy network a false suspicion is a QoS mistake, not a violation,
      // as long as it is taken back within the recovery bound.
      const stated = spec.bounds(run.nodeCount);
      const bounds = { ...stated, mistakeMsMax: stated.mistakeMsMax ?? stated.recoverMs };
      const assumptions = spec.assumptions ?? DETECT_ASSUMPTIONS;
      return detectionViolations(detectionRunOf(run, bounds.detectMs, assumptions), bounds);
    },
  };
}
