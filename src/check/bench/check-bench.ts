import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHistory } from "../formats/detect.js";
import type { History } from "../history.js";
import { checkLinearizable } from "../linearizable/check.js";
import { checkLinearizableParallel } from "../linearizable/parallel.js";
import type { AnyModel } from "../model.js";
import { MODELS } from "../models/index.js";
import type { Verdict } from "../result.js";
import { generateHistory, kvExecutor } from "../testing/generate.js";
import { sharedHistories } from "../testing/paths.js";
import { stressHistory } from "../testing/stress.js";

/** Porcupine's times on this kind of machine (2 cores), from issue 3, in ms. */
export const PORCUPINE_MS = {
  etcdTotal: 220,
  etcd002: 190,
  c10OkWhole: 1700,
  c10BadWhole: 2000,
  c10Partitioned: 1,
} as const;

/** Settings of the checker benchmark. */
export interface CheckBenchOptions {
  /** Timed repetitions per history (after one untimed warm-up pass); medians are reported. */
  readonly samples: number;
  /** Operations and keys of the generated partitionable history. */
  readonly bigOps: number;
  readonly bigKeys: number;
  /** Time budget of the memory-bound run, in ms. */
  readonly stressTimeoutMs: number;
}

/** The full run: 7 samples, 100,000 ops over 1,000 keys, a 10 s stress run. */
export const CHECK_BENCH_FULL: CheckBenchOptions = {
  samples: 7,
  bigOps: 100_000,
  bigKeys: 1_000,
  stressTimeoutMs: 10_000,
};
/** A tiny run that only proves the benchmark works. */
export const CHECK_BENCH_QUICK: CheckBenchOptions = {
  samples: 1,
  bigOps: 2_000,
  bigKeys: 20,
  stressTimeoutMs: 500,
};

/** One timed history. */
export interface BenchRow {
  readonly name: string;
  readonly ops: number;
  readonly verdict: Verdict;
  /** Median of the timed samples, in ms of wall-clock time. */
  readonly medianMs: number;
  /** Median of the same samples in ms of CPU time (user + system), which other load on the machine disturbs less. */
  readonly cpuMedianMs: number;
  /** The first, cold run (JIT not warm yet), in ms. */
  readonly coldMs: number;
  /** Porcupine's time where the issue gives one, and our median over it. */
  readonly porcupineMs?: number;
  readonly ratio?: number;
}

/** Everything `cohort bench check` measures. */
export interface CheckBenchResult {
  readonly settings: CheckBenchOptions;
  readonly etcd: readonly BenchRow[];
  readonly etcdTotal: {
    readonly medianMs: number;
    readonly cpuMedianMs: number;
    readonly coldMs: number;
    readonly ratio: number;
  };
  readonly kv: readonly BenchRow[];
  readonly big: readonly BenchRow[];
  /** A history whose search cannot finish: the verdict must be unknown, in time, within the memory bound. */
  readonly stress: {
    readonly verdict: Verdict;
    readonly reason: string;
    readonly ms: number;
    readonly timeoutMs: number;
  };
  /** Peak resident memory of the whole run, in MiB. */
  readonly maxRssMiB: number;
  /** `wrong` lists histories whose verdict differs from the expected one (must be empty). */
  readonly wrong: readonly string[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Times `run` once cold, then `samples` more times: returns the verdict, the cold time and the median. */
function time(
  run: () => Verdict,
  samples: number,
): { verdict: Verdict; coldMs: number; medianMs: number; cpuMedianMs: number } {
  let t0 = performance.now();
  const verdict = run();
  const coldMs = performance.now() - t0;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < samples; i++) {
    const c0 = process.cpuUsage();
    t0 = performance.now();
    run();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  return { verdict, coldMs, medianMs: median(times), cpuMedianMs: median(cpuTimes) };
}

function row(
  name: string,
  history: History,
  t: ReturnType<typeof time>,
  porcupineMs?: number,
): BenchRow {
  return {
    name,
    ops: history.length,
    ...t,
    ...(porcupineMs === undefined ? {} : { porcupineMs, ratio: t.medianMs / porcupineMs }),
  };
}

function expectedVerdicts(root: string): Map<string, Verdict> {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const rows = readme.matchAll(
    /^\| ((?:jepsen|kv)\/\S+) \|.*\| (linearizable|not-linearizable) \|$/gm,
  );
  return new Map([...rows].map((m) => [m[1]!, m[2] === "linearizable" ? "ok" : "violation"]));
}

/**
 * Measures the linearizability checker as issue 3 asks, time of the check
 * alone (parsing excluded): Porcupine's 52 etcd logs and c10 kv histories
 * (whole and by key), a generated partitionable history, and a search that
 * cannot finish (it must end `unknown` within its timeout and memory bound).
 */
export async function runCheckBench(options: CheckBenchOptions): Promise<CheckBenchResult> {
  const root = join(sharedHistories(), "porcupine");
  const expected = expectedVerdicts(root);
  const wrong: string[] = [];
  const etcdModel = MODELS.get("etcd")!;
  const kvModel = MODELS.get("kv")!;
  const judge = (name: string, verdict: Verdict): void => {
    if (expected.get(name) !== verdict)
      wrong.push(`${name}: got ${verdict}, expected ${expected.get(name)}`);
  };
  const etcd: BenchRow[] = [];
  for (const file of readdirSync(join(root, "jepsen"))
    .filter((f) => f.endsWith(".log"))
    .sort()) {
    const history = parseHistory(readFileSync(join(root, "jepsen", file), "utf8"), "etcd-log");
    const t = time(() => checkLinearizable(history, etcdModel).verdict, options.samples);
    judge(`jepsen/${file}`, t.verdict);
    etcd.push(row(file, history, t, file === "etcd_002.log" ? PORCUPINE_MS.etcd002 : undefined));
  }
  const etcdMedian = etcd.reduce((sum, r) => sum + r.medianMs, 0);
  const etcdTotal = {
    medianMs: etcdMedian,
    cpuMedianMs: etcd.reduce((sum, r) => sum + r.cpuMedianMs, 0),
    coldMs: etcd.reduce((sum, r) => sum + r.coldMs, 0),
    ratio: etcdMedian / PORCUPINE_MS.etcdTotal,
  };
  const kv: BenchRow[] = [];
  for (const name of ["c10-ok", "c10-bad"]) {
    const history = parseHistory(readFileSync(join(root, "kv", `${name}.txt`), "utf8"), "kv-log");
    for (const partition of [false, true]) {
      const t = time(
        () => checkLinearizable(history, kvModel, { partition }).verdict,
        options.samples,
      );
      judge(`kv/${name}.txt`, t.verdict);
      const porcupine = partition
        ? PORCUPINE_MS.c10Partitioned
        : name === "c10-ok"
          ? PORCUPINE_MS.c10OkWhole
          : PORCUPINE_MS.c10BadWhole;
      kv.push(row(`${name} ${partition ? "by key" : "whole"}`, history, t, porcupine));
    }
  }
  const big = await bigRows(kvModel, options);
  const stressStart = performance.now();
  const stress = checkLinearizable(stressHistory(), MODELS.get("counter")!, {
    timeoutMs: options.stressTimeoutMs,
  });
  const stressMs = performance.now() - stressStart;
  return {
    settings: options,
    etcd,
    etcdTotal,
    kv,
    big,
    stress: {
      verdict: stress.verdict,
      reason: stress.partitions[0]?.reason ?? "-",
      ms: stressMs,
      timeoutMs: options.stressTimeoutMs,
    },
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    wrong,
  };
}

async function bigRows(model: AnyModel, options: CheckBenchOptions): Promise<BenchRow[]> {
  const history = generateHistory(kvExecutor(options.bigKeys), {
    seed: 1,
    processes: 50,
    ops: options.bigOps,
    infoRate: 0.01,
  });
  const name = `generated ${options.bigOps} ops / ${options.bigKeys} keys`;
  const single = time(
    () => checkLinearizable(history, model).verdict,
    Math.min(options.samples, 3),
  );
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let verdict: Verdict = "unknown";
  for (let i = 0; i < Math.min(options.samples, 3); i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    verdict = (await checkLinearizableParallel(history, model, "kv", { parallelOpsMin: 0 }))
      .verdict;
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  const parallel = {
    verdict,
    coldMs: times[0]!,
    medianMs: median(times),
    cpuMedianMs: median(cpuTimes),
  };
  return [row(`${name}, one thread`, history, single), row(`${name}, workers`, history, parallel)];
}

/** The result as the table bench/RESULTS.md records. */
export function formatCheckBench(r: CheckBenchResult): string {
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
  const line = (b: BenchRow) =>
    `${b.name.padEnd(40)} ${String(b.ops).padStart(6)} ${b.verdict.padEnd(9)} ${ms(b.medianMs).padStart(8)} ${ms(b.cpuMedianMs).padStart(8)} ${ms(b.coldMs).padStart(8)} ${
      b.porcupineMs === undefined
        ? ""
        : `${String(b.porcupineMs).padStart(6)}  ${b.ratio!.toFixed(3)}`
    }`;
  const slowest = [...r.etcd].sort((a, b) => b.medianMs - a.medianMs).slice(0, 5);
  return [
    `checker benchmark: medians of ${r.settings.samples} warm samples after one cold run (wall and CPU ms); ratio = wall median / Porcupine`,
    `${"history".padEnd(40)} ${"ops".padStart(6)} ${"verdict".padEnd(9)} ${"median".padStart(8)} ${"cpu".padStart(8)} ${"cold".padStart(8)} porcupine ratio`,
    `${"etcd: all 52 logs (sum)".padEnd(40)} ${"".padStart(6)} ${"".padEnd(9)} ${ms(r.etcdTotal.medianMs).padStart(8)} ${ms(r.etcdTotal.cpuMedianMs).padStart(8)} ${ms(r.etcdTotal.coldMs).padStart(8)} ${String(PORCUPINE_MS.etcdTotal).padStart(6)}  ${r.etcdTotal.ratio.toFixed(3)}`,
    ...slowest.map((b) => line({ ...b, name: `etcd: ${b.name}` })),
    ...r.kv.map(line),
    ...r.big.map(line),
    `stress (26 concurrent timed-out adds): ${r.stress.verdict} (${r.stress.reason}) after ${ms(r.stress.ms)} ms, timeout ${r.stress.timeoutMs} ms`,
    `peak RSS ${r.maxRssMiB.toFixed(0)} MiB; wrong verdicts: ${r.wrong.length === 0 ? "none" : r.wrong.join("; ")}`,
  ].join("\n");
}
