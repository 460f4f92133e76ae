// The weaker checkers' timings: sequential consistency on Porcupine's 52 etcd
// logs, and the causal and session checkers on sequential runs of 2,000 and
// 10,000 reads and writes (50 keys, 10 sessions, one write in three).
// Run after `npm run build`:  node bench/weaker/weaker.mjs [--reps N]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkCausal } from "../../dist/check/causal.js";
import { parseHistory } from "../../dist/check/formats/detect.js";
import { MODELS } from "../../dist/check/models/index.js";
import { checkSequential } from "../../dist/check/sequential.js";
import { checkSessionGuarantees } from "../../dist/check/session.js";

const repsAt = process.argv.indexOf("--reps");
const reps = repsAt > 0 ? Number(process.argv[repsAt + 1]) : 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "shared",
  "histories",
  "porcupine",
  "jepsen",
);
const etcd = MODELS.get("etcd");
const logs = readdirSync(dir)
  .filter((f) => f.endsWith(".log"))
  .sort()
  .map((f) => [f, parseHistory(readFileSync(join(dir, f), "utf8"), "etcd-log")]);
const totals = [];
const perFile = new Map();
for (let r = 0; r < reps; r++) {
  let total = 0;
  for (const [f, h] of logs) {
    const res = checkSequential(h, etcd, { timeoutMs: 10_000 });
    total += res.ms;
    perFile.set(f, [...(perFile.get(f) ?? []), { ms: res.ms, verdict: res.verdict }]);
  }
  totals.push(total);
}
const verdicts = {};
for (const runs of perFile.values())
  for (const run of runs) verdicts[run.verdict] = (verdicts[run.verdict] ?? 0) + 1;
const slowest = [...perFile]
  .map(([f, runs]) => [f, median(runs.map((x) => x.ms))])
  .sort((a, b) => b[1] - a[1])
  .slice(0, 3);
console.log(
  `sequential, 52 etcd logs, --timeout 10 s, ${reps} runs: total median ${median(totals).toFixed(0)} ms; verdicts over all runs ${JSON.stringify(verdicts)}`,
);
console.log(
  `  slowest (median ms): ${slowest.map(([f, ms]) => `${f} ${ms.toFixed(0)}`).join(", ")}`,
);

function run(n) {
  const latest = new Map();
  return Array.from({ length: n }, (_, id) => {
    const key = `k${id % 50}`;
    const base = { id, process: id % 10, key, call: 2 * id, ret: 2 * id + 1, status: "ok" };
    if (id % 3 === 0) {
      latest.set(key, id + 1);
      return { ...base, f: "write", input: id + 1, output: id + 1 };
    }
    return { ...base, f: "read", input: null, output: latest.get(key) ?? null };
  });
}
for (const n of process.argv.includes("--sequential-only") ? [] : [2000, 10000]) {
  const h = run(n);
  const times = { causal: [], session: [] };
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    if (checkCausal(h).verdict !== "ok") throw new Error("causal: expected ok");
    times.causal.push(performance.now() - t);
    t = performance.now();
    if (checkSessionGuarantees(h).verdict !== "ok") throw new Error("session: expected ok");
    times.session.push(performance.now() - t);
  }
  console.log(
    `n=${n}: causal median ${median(times.causal).toFixed(0)} ms, session median ${median(times.session).toFixed(0)} ms (${reps} runs)`,
  );
}
