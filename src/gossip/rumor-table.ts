import type { PaperRow, PaperTable } from "./paper.js";
import { Prng } from "./prng.js";
import { type RumorOutcome, type RumorSetting, rumorSetting, runRumor } from "./rumor-rounds.js";

/** Mean and median of one measure over many seeds. */
export interface Spread {
  readonly mean: number;
  readonly median: number;
}

/** One measured row of a paper's table: our figures over `seeds` runs beside the paper's. */
export interface MeasuredRow {
  readonly table: PaperTable["id"];
  readonly variant: string;
  readonly k: number;
  readonly seeds: number;
  readonly residue: Spread;
  readonly traffic: Spread;
  readonly tAve: Spread;
  readonly tLast: Spread;
  readonly paper: PaperRow;
}

/** The round-model setting that a paper table measured, for counter limit / coin parameter k. */
export function settingOf(table: PaperTable, k: number, n = 1_000): RumorSetting {
  return rumorSetting({ n, k, feedback: table.feedback, policy: table.policy, mode: table.mode });
}

/** The name of a variant as the bench prints it, e.g. `feedback-counter-push`. */
export function variantName(setting: RumorSetting): string {
  return `${setting.feedback ? "feedback" : "blind"}-${setting.policy}-${setting.mode}`;
}

/**
 * Runs `seeds` epidemics (seeds firstSeed, firstSeed + 1, …) of a setting and
 * summarises each measure by mean and median. Deterministic for given seeds.
 */
export function measure(
  setting: RumorSetting,
  seeds: number,
  firstSeed = 1,
): Omit<MeasuredRow, "table" | "paper"> {
  const outcomes: RumorOutcome[] = [];
  for (let s = 0; s < seeds; s++) outcomes.push(runRumor(setting, new Prng(firstSeed + s)));
  const spread = (pick: (o: RumorOutcome) => number): Spread => {
    const values = outcomes.map(pick).sort((a, b) => a - b);
    const mid = values.length >> 1;
    const median = values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    return { mean: values.reduce((a, b) => a + b, 0) / values.length, median };
  };
  return {
    variant: variantName(setting),
    k: setting.k,
    seeds,
    residue: spread((o) => o.residue),
    traffic: spread((o) => o.traffic),
    tAve: spread((o) => o.tAve),
    tLast: spread((o) => o.tLast),
  };
}

/** Measures every row of a paper table with `seeds` seeds each. */
export function measureTable(table: PaperTable, seeds: number, firstSeed = 1): MeasuredRow[] {
  return table.rows.map((paper) => ({
    table: table.id,
    paper,
    ...measure(settingOf(table, paper.k), seeds, firstSeed),
  }));
}

/** (ours − paper) / paper. */
export function relativeDifference(ours: number, paper: number): number {
  return (ours - paper) / paper;
}
