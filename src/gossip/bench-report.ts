import type { CoinRow, GossipBenchRow, ScaleRow } from "./bench-gossip.js";
import { PAPER_TABLES } from "./paper.js";

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
const num = (x: number) => (x !== 0 && Math.abs(x) < 0.01 ? x.toExponential(2) : x.toPrecision(3));

function cell(ours: number, paper: number, diff: number, mark: string): string {
  return `${num(ours)} (${num(paper)}, ${pct(diff)}${mark}) `.padEnd(28);
}

const markOf = (within: boolean) => (within ? "" : " !");

/**
 * The paper's tables with our means beside each figure: `ours (paper, diff)`,
 * `!` marking a figure outside its target (10% for traffic and times, 25% for
 * residue), `~` a rare residue that differs by more than 25% but whose 95%
 * interval (printed below the table) holds the paper's value.
 */
export function formatPaperRows(rows: readonly GossipBenchRow[]): string {
  const out: string[] = [];
  for (const table of PAPER_TABLES) {
    const mine = rows.filter((r) => r.table === table.id);
    if (mine.length === 0) continue;
    out.push(
      `${table.title} — ${mine[0]!.variant}, n = 1000, ${mine[0]!.seeds} seeds per row, means`,
    );
    out.push(` k  ${"residue s".padEnd(28)}${"traffic m".padEnd(28)}${"t_ave".padEnd(28)}t_last`);
    const notes: string[] = [];
    for (const r of mine) {
      const residueMark = r.residueWithinByInterval ? " ~" : markOf(r.within.residue);
      const cells = [
        cell(r.residue, r.paper.residue, r.diff.residue, residueMark),
        cell(r.traffic, r.paper.traffic, r.diff.traffic, markOf(r.within.traffic)),
        cell(r.tAve, r.paper.tAve, r.diff.tAve, markOf(r.within.tAve)),
        cell(r.tLast, r.paper.tLast, r.diff.tLast, markOf(r.within.tLast)),
      ];
      out.push(` ${r.k}  ${cells.join("").trimEnd()}`);
      if (r.residueWithinByInterval) {
        const { low, high } = r.residueInterval;
        notes.push(
          `    ~ k=${r.k}: ${Math.round(r.residue * 1000 * r.seeds)} missed sites in ${r.seeds} runs; 95% interval ${num(low)}..${num(high)} holds the paper's ${num(r.paper.residue)}`,
        );
      }
    }
    out.push(...notes);
    out.push("");
  }
  return out.join("\n");
}

/** The coin rows beside the paper's analytic residue. */
export function formatCoinRows(rows: readonly CoinRow[], seeds: number): string {
  const out = [`Feedback, coin, push (n = 1000, ${seeds} seeds) against s = e^(-(k+1)(1-s))`];
  out.push(" k  residue   analytic  diff");
  for (const r of rows)
    out.push(` ${r.k}  ${num(r.residue).padEnd(9)} ${num(r.analytic).padEnd(9)} ${pct(r.diff)}`);
  return `${out.join("\n")}\n`;
}

/** The scale rows: rounds to the last site by n, and how they grow per decade. */
export function formatScaleRows(rows: readonly ScaleRow[]): string {
  const out = ["Scale: cycles until the last site learns, by n (means)"];
  out.push(
    ` ${"variant".padEnd(30)}${"n".padStart(7)}  seeds  t_last  t_last/log2(n)  +per decade  all-learned runs  ms/run`,
  );
  let previous: ScaleRow | undefined;
  for (const r of rows) {
    const step = previous?.variant === r.variant ? (r.tLast - previous.tLast).toFixed(2) : "";
    out.push(
      ` ${r.variant.padEnd(30)}${String(r.n).padStart(7)}  ${String(r.seeds).padStart(5)}  ${r.tLast.toFixed(2).padStart(6)}  ${r.perLog2n.toFixed(3).padStart(14)}  ${step.padStart(11)}  ${`${r.fullRuns}/${r.seeds}`.padStart(16)}  ${r.msPerRun.toFixed(0).padStart(6)}`,
    );
    previous = r;
  }
  return `${out.join("\n")}\n`;
}
