// SWIM's two timing claims (Das, Gupta, Motivala 2002, §3.1 and §4.1), measured in the
// simulator with suspicion off (basic SWIM: a failed probe declares the member dead):
//  1. first detection: from the first period boundary after a crash, the number of whole
//     periods until some member declares it dead; expected e/(e-1) = 1.582 when each member
//     picks its target uniformly at random (we use randomized round-robin, §4.3).
//     How the probe timeout enters: it does not. A failed probe is judged when its period
//     ends (the probe timeout only decides when the ping-reqs go out), so a crash at phase
//     φ of a period is first noticed at the end of the k-th full period after it; we count
//     k (crashes fall 20 ms or more into a period, after that period's probes were answered).
//  2. dissemination: periods from that first `dead` until every live member holds it,
//     piggybacked on probes only (full-list syncs switched off), against log n.
// Usage: npx tsc -p . && node bench/detect/swim-dissemination.mjs [n=8:400,64:400,512:60,4096:6]
import { SWIM_PLAIN, swimProtocol } from "../../dist/detect/index.js";
import { Simulation } from "../../dist/sim/simulation.js";

const PERIOD = 1000;
const CONFIG = {
  ...SWIM_PLAIN,
  probeIntervalMs: PERIOD,
  probeTimeoutMs: 500,
  suspicion: false,
  syncIntervalMs: 3_600_000,
};
const WARM_PERIODS = 10;

function run(n, seed) {
  const sim = new Simulation({
    seed,
    nodeCount: n,
    create: (id) => swimProtocol.create(id, CONFIG),
    validate: swimProtocol.validate,
    validateOnlyByzantine: true,
  });
  // a crash phase in [20, 980) ms of period WARM_PERIODS, spread over seeds
  const phase = 20 + ((seed * 7919) % (PERIOD - 40));
  const crashMs = WARM_PERIODS * PERIOD + phase;
  const victim = n - 1;
  sim.schedule(crashMs, { verb: "crash", node: victim });
  const firstBoundary = (WARM_PERIODS + 1) * PERIOD;
  const first = new Map();
  sim.onEmit((e) => {
    if (e.event.type === "dead" && e.event.peer === victim && !first.has(e.node))
      first.set(e.node, e.t);
  });
  for (let p = 1; p <= 200 && first.size < n - 1; p++) sim.run(crashMs + p * PERIOD);
  const times = [...first.values()];
  const t1 = Math.min(...times);
  const tAll = first.size === n - 1 ? Math.max(...times) : Number.POSITIVE_INFINITY;
  return {
    k: (t1 - firstBoundary) / PERIOD,
    spread: (tAll - t1) / PERIOD,
    toAll: (tAll - crashMs) / PERIOD,
  };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const spec = process.argv[2] ?? "8:400,64:400,512:60,4096:6";
const E = Math.E / (Math.E - 1);
console.log(
  `basic SWIM (suspicion off), ${PERIOD} ms periods, k = ${CONFIG.indirectProbes}, λ = ${CONFIG.retransmitMult}`,
);
console.log(
  "| n | runs | first detection, periods (mean ± s.e.) | vs e/(e−1) | periods first → all (median; mean) | crash → all (median) | log2 n | (first → all) / log2 n | wall s |",
);
console.log("|---:|---:|---|---:|---|---:|---:|---:|---:|");
for (const part of spec.split(",")) {
  const [n, runs] = part.split(":").map(Number);
  const t0 = performance.now();
  const rs = Array.from({ length: runs }, (_, i) => run(n, i + 1));
  const ks = rs.map((r) => r.k);
  const spreads = rs.map((r) => r.spread);
  const se = sd(ks) / Math.sqrt(ks.length);
  const lg = Math.log2(n);
  console.log(
    `| ${n} | ${runs} | ${mean(ks).toFixed(3)} ± ${se.toFixed(3)} | ${(((mean(ks) - E) / E) * 100).toFixed(1)}% | ${median(spreads).toFixed(2)}; ${mean(spreads).toFixed(2)} | ${median(rs.map((r) => r.toAll)).toFixed(2)} | ${lg} | ${(median(spreads) / lg).toFixed(2)} | ${((performance.now() - t0) / 1000).toFixed(1)} |`,
  );
}
