import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT, intFlag, parseFlags } from "../cli/command.js";
import { antiEntropyCurves, coinRows, paperRows, scaleRows } from "../gossip/bench-gossip.js";
import { formatCoinRows, formatPaperRows, formatScaleRows } from "../gossip/bench-report.js";
import { PAPER_TABLES } from "../gossip/paper.js";
import { antiEntropySvg } from "../gossip/svg-plot.js";
import { type NodeRumorRow, nodeRumorRow } from "./gossip-nodes.js";

/** Help text of `cohort bench gossip`. */
export const GOSSIP_BENCH_HELP = `Usage: cohort bench gossip [--seeds N] [--json] [--svg PATH]
       node dist/bench/gossip.js [same flags]

Reproduces Demers et al. 1987 (rumor mongering, n = 1000) in the round model of
src/gossip: Tables 1-3 with our means beside the paper's values and the relative
difference ("!" marks a figure outside its target: 10% for traffic and times,
25% for residue), the analytic coin residue, rumor mongering at n = 10^2..10^5,
and anti-entropy's convergence as an SVG plot.

  --seeds N    seeds per table row (default 4000; seeds 1..N)
  --node-seeds N  runs per k of the RumorNode protocol in the simulator (default 5; 0 skips)
  --json       print one JSON object per variant and k (JSON Lines) instead of tables
  --svg PATH   where to write the anti-entropy plot (default bench/gossip/anti-entropy.svg)`;

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Runs the gossip benchmark with command-line arguments; resolves to an exit code. */
export async function runGossipBench(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      seeds: { type: "string" },
      "node-seeds": { type: "string" },
      json: { type: "boolean" },
      svg: { type: "string" },
    },
    false,
  );
  if (values.help) {
    process.stdout.write(`${GOSSIP_BENCH_HELP}\n`);
    return EXIT.ok;
  }
  const seeds = intFlag("seeds", values.seeds, 4_000, 1, 1_000_000);
  const nodeSeeds = intFlag("node-seeds", values["node-seeds"], 5, 0, 1_000);
  const rows = paperRows(seeds);
  if (values.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return EXIT.ok;
  }
  const say = (text: string) => process.stdout.write(`${text}\n`);
  say(
    `cohort bench gossip --seeds ${seeds}: round model, synchronous cycles, uniform partners, seeds 1..${seeds}\n`,
  );
  say(formatPaperRows(rows));
  say(formatCoinRows(coinRows(seeds), seeds));
  say(
    formatScaleRows(
      scaleRows(
        (n) => (n >= 100_000 ? 20 : 200),
        () => performance.now(),
      ),
    ),
  );
  const curves = antiEntropyCurves(100_000, 20);
  const svgPath = values.svg ?? join(PACKAGE_ROOT, "bench", "gossip", "anti-entropy.svg");
  mkdirSync(dirname(svgPath), { recursive: true });
  writeFileSync(svgPath, antiEntropySvg(curves));
  say(formatConvergence(curves));
  say(`anti-entropy plot written to ${relative(process.cwd(), svgPath)}\n`);
  if (nodeSeeds > 0)
    say(formatNodeRows(PAPER_TABLES[0]!.rows.map((row) => nodeRumorRow(row, nodeSeeds))));
  return EXIT.ok;
}

function formatConvergence(curves: ReturnType<typeof antiEntropyCurves>): string {
  const out = [`Anti-entropy, n = ${curves.n}: cycles until every site knows (seed 1)`];
  for (const mode of ["push", "pull", "pushpull"] as const) {
    const cycles = curves.simulated[mode].length - 1;
    out.push(`  ${mode.padEnd(9)} ${cycles}`);
  }
  const push = curves.meanSimulated.push;
  const late = push.flatMap((p, i) =>
    i > 0 && p < 0.01 && p >= 20 / curves.n ? [p / push[i - 1]!] : [],
  );
  const lateMean = late.reduce((a, b) => a + b, 0) / Math.max(1, late.length);
  out.push(
    `  push, late phase (20/n <= p < 0.01, mean of ${curves.seeds} seeds): p(i+1)/p(i) = ${lateMean.toFixed(3)} (e^-1 = ${Math.exp(-1).toFixed(3)})`,
  );
  out.push(
    `  one-step check over ${curves.seeds} seeds: mean observed p(i) / mean recurrence of each run's p(i-1), by cycle while p >= 20/n:`,
  );
  for (const mode of ["pull", "push", "pushpull"] as const) {
    const ratios = curves.oneStepRatio[mode].filter((r, i) => i > 0 && !Number.isNaN(r));
    out.push(`  ${mode.padEnd(9)} ${ratios.map((r) => r.toFixed(3)).join(" ")}`);
  }
  return `${out.join("\n")}\n`;
}

function formatNodeRows(rows: readonly NodeRumorRow[]): string {
  const pct = (ours: number, paper: number) => `${(((ours - paper) / paper) * 100).toFixed(1)}%`;
  const out = [
    `Protocol nodes: RumorNode (feedback, counter, push) in the simulator, n = 1000, ${rows[0]?.seeds} runs per k,`,
    "asynchronous 100 ms cycles (each node its own timer phase), 1-5 ms links; times in cycles after the write",
    " k  residue (vs Table 1)   traffic (vs Table 1)   t_ave   t_last",
  ];
  for (const r of rows) {
    out.push(
      ` ${r.k}  ${r.residue.toExponential(2)} (${pct(r.residue, r.paper.residue)})`.padEnd(26) +
        `${r.traffic.toFixed(2)} (${pct(r.traffic, r.paper.traffic)})`.padEnd(23) +
        `${r.tAve.toFixed(2).padStart(5)}   ${r.tLast.toFixed(2).padStart(6)}`,
    );
  }
  return `${out.join("\n")}\n`;
}

const invokedDirectly =
  process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  runGossipBench(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`cohort bench gossip: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
