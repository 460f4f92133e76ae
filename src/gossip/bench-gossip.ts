import { antiEntropyRecurrence, antiEntropyStep, runAntiEntropy } from "./anti-entropy-rounds.js";
import { analyticCoinResidue, PAPER_TABLES, type PaperRow } from "./paper.js";
import { poissonInterval95 } from "./poisson.js";
import { Prng } from "./prng.js";
import { type ExchangeMode, rumorSetting, runRumor } from "./rumor-rounds.js";
import { type MeasuredRow, measure, measureTable, relativeDifference } from "./rumor-table.js";

/** Targets of issue 6: traffic and times within 10% of the paper, residue within 25%. */
export const TARGET = { figure: 0.1, residue: 0.25 } as const;

/** One row of `cohort bench gossip --json`: our means (and medians) beside the paper's values. */
export interface GossipBenchRow {
  readonly table: string;
  readonly variant: string;
  readonly k: number;
  readonly seeds: number;
  readonly residue: number;
  readonly traffic: number;
  readonly tAve: number;
  readonly tLast: number;
  readonly median: { residue: number; traffic: number; tAve: number; tLast: number };
  readonly paper: Omit<PaperRow, "k">;
  /** (ours − paper) / paper for each measure. */
  readonly diff: { residue: number; traffic: number; tAve: number; tLast: number };
  /**
   * Whether each measure is within its target. A residue also counts as within
   * when the paper's value lies inside our 95% interval (`residueInterval`):
   * then the two are not statistically distinguishable at this many seeds.
   */
  readonly within: { residue: boolean; traffic: boolean; tAve: boolean; tLast: boolean };
  /** Exact 95% Poisson interval of our residue, from the count of missed sites over all runs (treating missed sites as independent: right for rare residues, too narrow for common ones). */
  readonly residueInterval: { low: number; high: number };
  /** True when the residue is within only because the paper's value lies inside that interval. */
  readonly residueWithinByInterval: boolean;
}

/** Compares one measured row (of runs over `n` sites) with the paper's. */
export function compareRow(row: MeasuredRow, n = 1_000): GossipBenchRow {
  const { paper } = row;
  const siteRuns = n * row.seeds;
  const count = poissonInterval95(row.residue.mean * siteRuns);
  const residueInterval = { low: count.low / siteRuns, high: count.high / siteRuns };
  const paperInside = paper.residue >= residueInterval.low && paper.residue <= residueInterval.high;
  const diff = {
    residue: relativeDifference(row.residue.mean, paper.residue),
    traffic: relativeDifference(row.traffic.mean, paper.traffic),
    tAve: relativeDifference(row.tAve.mean, paper.tAve),
    tLast: relativeDifference(row.tLast.mean, paper.tLast),
  };
  return {
    table: row.table,
    variant: row.variant,
    k: row.k,
    seeds: row.seeds,
    residue: row.residue.mean,
    traffic: row.traffic.mean,
    tAve: row.tAve.mean,
    tLast: row.tLast.mean,
    median: {
      residue: row.residue.median,
      traffic: row.traffic.median,
      tAve: row.tAve.median,
      tLast: row.tLast.median,
    },
    paper: { residue: paper.residue, traffic: paper.traffic, tAve: paper.tAve, tLast: paper.tLast },
    diff,
    residueInterval,
    residueWithinByInterval: Math.abs(diff.residue) > TARGET.residue && paperInside,
    within: {
      residue: Math.abs(diff.residue) <= TARGET.residue || paperInside,
      traffic: Math.abs(diff.traffic) <= TARGET.figure,
      tAve: Math.abs(diff.tAve) <= TARGET.figure,
      tLast: Math.abs(diff.tLast) <= TARGET.figure,
    },
  };
}

/** Measures Tables 1–3 of the paper with `seeds` seeds per row (n = 1,000). */
export function paperRows(seeds: number, firstSeed = 1): GossipBenchRow[] {
  return PAPER_TABLES.flatMap((table) =>
    measureTable(table, seeds, firstSeed).map((row) => compareRow(row)),
  );
}

/** Feedback, coin, push at n = 1,000 against the analytic residue s = e^(−(k+1)(1−s)). */
export interface CoinRow {
  readonly k: number;
  readonly analytic: number;
  readonly residue: number;
  readonly diff: number;
}

/** Measures the coin rows for k = 1..5. */
export function coinRows(seeds: number, firstSeed = 1, n = 1_000): CoinRow[] {
  return [1, 2, 3, 4, 5].map((k) => {
    const setting = rumorSetting({ n, k, feedback: true, policy: "coin", mode: "push" });
    const residue = measure(setting, seeds, firstSeed).residue.mean;
    const analytic = analyticCoinResidue(k);
    return { k, analytic, residue, diff: relativeDifference(residue, analytic) };
  });
}

/** One size of the scale measurement. */
export interface ScaleRow {
  readonly variant: string;
  readonly n: number;
  readonly seeds: number;
  /** Mean cycles until the last site learned. */
  readonly tLast: number;
  /** Runs in which every site learned. */
  readonly fullRuns: number;
  readonly residue: number;
  /** tLast / log2(n). */
  readonly perLog2n: number;
  /** Wall time per run in ms, by the `nowMs` clock the caller passed. */
  readonly msPerRun: number;
}

/** Rumor mongering at n = 10², 10³, 10⁴, 10⁵ (push-pull, feedback, counter k = 4, and Table 1's push k = 5). */
export function scaleRows(
  seedsFor: (n: number) => number,
  nowMs: () => number,
  sizes: readonly number[] = [100, 1_000, 10_000, 100_000],
): ScaleRow[] {
  const variants: { mode: ExchangeMode; k: number }[] = [
    { mode: "pushpull", k: 4 },
    { mode: "push", k: 5 },
  ];
  return variants.flatMap(({ mode, k }) =>
    sizes.map((n) => {
      const seeds = seedsFor(n);
      const setting = rumorSetting({ n, k, feedback: true, policy: "counter", mode });
      let tLast = 0;
      let fullRuns = 0;
      let residue = 0;
      const startMs = nowMs();
      for (let s = 1; s <= seeds; s++) {
        const o = runRumor(setting, new Prng(s));
        tLast += o.tLast / seeds;
        residue += o.residue / seeds;
        if (o.residue === 0) fullRuns++;
      }
      const msPerRun = (nowMs() - startMs) / seeds;
      const variant = `feedback-counter-${mode} k=${k}`;
      return {
        variant,
        n,
        seeds,
        tLast,
        fullRuns,
        residue,
        perLog2n: tLast / Math.log2(n),
        msPerRun,
      };
    }),
  );
}

/**
 * Anti-entropy's susceptible fraction by cycle, simulated and by the paper's
 * recurrence. `simulated` is one run (seed 1) per mode: a mean over runs would
 * blur the curve, since runs leave the slow first cycles at different times.
 * The recurrence starts from that run's p at the first cycle where it fell
 * below 0.9 (earlier entries are NaN). `oneStepRatio[i]`, over `seeds` runs,
 * is the mean observed p(i) over the mean of the recurrence applied to each
 * run's own p(i − 1) (NaN where that is below 20/n): 1 when the recurrence
 * predicts each step exactly.
 */
export interface AntiEntropyCurves {
  readonly n: number;
  readonly seeds: number;
  readonly simulated: Record<ExchangeMode, number[]>;
  readonly recurrence: Record<ExchangeMode, number[]>;
  readonly oneStepRatio: Record<ExchangeMode, number[]>;
  /** Mean susceptible fraction by cycle over the `seeds` runs. */
  readonly meanSimulated: Record<ExchangeMode, number[]>;
}

/** Runs anti-entropy per mode at `n` sites: one plotted run and `seeds` runs for the one-step check. */
export function antiEntropyCurves(n: number, seeds: number): AntiEntropyCurves {
  const modes: ExchangeMode[] = ["push", "pull", "pushpull"];
  const simulated = {} as Record<ExchangeMode, number[]>;
  const recurrence = {} as Record<ExchangeMode, number[]>;
  const oneStepRatio = {} as Record<ExchangeMode, number[]>;
  const meanSimulated = {} as Record<ExchangeMode, number[]>;
  for (const mode of modes) {
    const sum: number[] = [];
    const predicted: number[] = [];
    for (let s = 1; s <= seeds; s++) {
      const run = runAntiEntropy(n, mode, new Prng(s));
      run.forEach((p, i) => {
        sum[i] = (sum[i] ?? 0) + p;
        predicted[i + 1] = (predicted[i + 1] ?? 0) + antiEntropyStep(n, mode, p);
      });
    }
    oneStepRatio[mode] = sum.map((p, i) =>
      i === 0 || predicted[i]! < (20 * seeds) / n ? Number.NaN : p / predicted[i]!,
    );
    meanSimulated[mode] = sum.map((x) => x / seeds);
    const plotted = runAntiEntropy(n, mode, new Prng(1));
    simulated[mode] = plotted;
    const start = Math.max(
      0,
      plotted.findIndex((p) => p < 0.9),
    );
    const aligned = antiEntropyRecurrence(n, mode, plotted[start]!, 100);
    recurrence[mode] = [...new Array<number>(start).fill(Number.NaN), ...aligned];
  }
  return { n, seeds, simulated, recurrence, oneStepRatio, meanSimulated };
}
