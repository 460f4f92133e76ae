// Lifeguard against plain SWIM where one member is impaired (issue 4's target: at least 10×
// fewer false suspicions at equal or better median detection time). Same timeline and
// settings as `cohort bench detectors` (200 ms periods, 80 ms probe timeout; 2 s warm-up,
// mistakes counted until member n−1 crashes at 24 s, detection watched for 16 s), same
// counting helpers. Conditions, member 1 impaired:
//   paused     the whole process stopped 2 s at 5, 12, 19 s (the simulator's `pause`:
//              timers too; on resume everything is handled in arrival order)
//   stalled    its receive loop stalled 2 s at 5, 12, 19 s while its timers and sends run
//              (Lifeguard's anomaly: slow message processing)
//   slow-node  everything it sends or receives 150 ms late, from 2 s for 20 s
// What is counted (the Lifeguard paper counts false positives at healthy members):
//   healthy    accusations (`suspect` or `dead`, by anyone) of members other than member 1
//   healthyDead `dead` declarations of those members: false failure detections proper
//   impaired   accusations of member 1 itself (it really was unresponsive or late)
// Variants: swim (Lifeguard + our self-blame rule, the default), swim-paper (Lifeguard as
// the paper and memberlist have it), swim-plain (SWIM without Lifeguard).
// Usage: npx tsc -p . && node bench/detect/lifeguard.mjs [seeds=10] [n=8] [conditions]
import {
  detectionTimes,
  falseSuspicions,
  QOS_SCENARIOS,
  QOS_TIMING,
} from "../../dist/bench/detectors-qos.js";
import { SWIM_PLAIN, swimProtocol } from "../../dist/detect/index.js";
import { ReceiveStalled } from "../../dist/detect/swim/receive-stall.js";
import { SWIM_SCENARIO_CONFIG } from "../../dist/scenarios/detect-swim.js";
import { Simulation } from "../../dist/sim/simulation.js";

const timing = { ...QOS_TIMING };
const periods = {
  probeIntervalMs: SWIM_SCENARIO_CONFIG.probeIntervalMs,
  probeTimeoutMs: SWIM_SCENARIO_CONFIG.probeTimeoutMs,
  syncIntervalMs: SWIM_SCENARIO_CONFIG.syncIntervalMs,
};
const VARIANTS = [
  { name: "swim", config: SWIM_SCENARIO_CONFIG },
  { name: "swim-paper", config: { ...SWIM_SCENARIO_CONFIG, blameSelfWhenUnheard: false } },
  { name: "swim-plain", config: { ...SWIM_PLAIN, ...periods } },
];
const IMPAIRED = 1;
const STALLS = [5000, 12_000, 19_000].map((atMs) => ({ atMs, durationMs: 2000 }));
const byName = (name) => QOS_SCENARIOS.find((s) => s.name === name);
const CONDITIONS = {
  paused: { network: byName("paused").network, faults: byName("paused").faults, stall: false },
  stalled: { network: {}, faults: () => [], stall: true },
  "slow-node": {
    network: byName("slow-node").network,
    faults: byName("slow-node").faults,
    stall: false,
  },
};

function run(variant, condition, n, seed) {
  const sim = new Simulation({
    seed,
    nodeCount: n,
    create: (id) => {
      const node = swimProtocol.create(id, variant.config);
      return condition.stall && id === IMPAIRED ? new ReceiveStalled(node, STALLS) : node;
    },
    validate: swimProtocol.validate,
    network: condition.network,
  });
  for (const f of condition.faults(n)) sim.schedule(f.atMs, f.spec);
  const victim = n - 1;
  sim.schedule(timing.crashAtMs, { verb: "crash", node: victim });
  sim.run(timing.crashAtMs + timing.afterCrashMs);
  const events = sim.events();
  const healthyEvents = events.filter((e) => e.event.peer !== IMPAIRED);
  const inWindow = (e) => e.t >= timing.warmupMs && e.t < timing.crashAtMs;
  return {
    all: falseSuspicions(events, timing.warmupMs, timing.crashAtMs).mistakes,
    healthy: falseSuspicions(healthyEvents, timing.warmupMs, timing.crashAtMs).mistakes,
    healthyDead: healthyEvents.filter((e) => inWindow(e) && e.event.type === "dead").length,
    impairedDead: events.filter(
      (e) => inWindow(e) && e.event.peer === IMPAIRED && e.event.type === "dead",
    ).length,
    ...detectionTimes(events, n, victim, timing.crashAtMs),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

const seeds = Number(process.argv[2] ?? 10);
const n = Number(process.argv[3] ?? 8);
const names = (process.argv[4] ?? "paused,stalled,slow-node").split(",");
const hours = (timing.crashAtMs - timing.warmupMs) / 3_600_000;
console.log(
  `n = ${n}, seeds 1..${seeds}; counts are totals over all seeds; per member-hour = total / seeds / n / ${(hours * 3600).toFixed(0)} s`,
);
console.log(
  "| condition | variant | healthy accusations (per member-hour) | healthy declared dead | accusations of the impaired member (dead) | T_D first | T_D all |",
);
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const name of names) {
  const condition = CONDITIONS[name];
  if (condition === undefined) throw new Error(`unknown condition ${name}`);
  const rows = [];
  for (const variant of VARIANTS) {
    const rs = Array.from({ length: seeds }, (_, i) => run(variant, condition, n, i + 1));
    const healthy = sum(rs.map((r) => r.healthy));
    rows.push({ variant: variant.name, healthy });
    console.log(
      `| ${name} | ${variant.name} | ${healthy} (${(healthy / seeds / n / hours).toFixed(1)}) | ${sum(rs.map((r) => r.healthyDead))} | ${sum(rs.map((r) => r.all - r.healthy))} (${sum(rs.map((r) => r.impairedDead))}) | ${median(rs.map((r) => r.detectionMsFirst)).toFixed(0)} | ${median(rs.map((r) => r.detectionMsAll)).toFixed(0)} |`,
    );
  }
  const plain = rows.find((r) => r.variant === "swim-plain").healthy;
  for (const r of rows.filter((r) => r.variant !== "swim-plain")) {
    const ratio =
      r.healthy === 0
        ? plain === 0
          ? "both 0"
          : `0 against ${plain} (at least ${plain}×)`
        : `${(plain / r.healthy).toFixed(1)}×`;
    console.log(`${name}: healthy accusations, swim-plain against ${r.variant}: ${ratio}  `);
  }
}
