import { assert } from "../core/assert.js";
import type { ElectionFault, ElectionSample } from "./election-measure.js";

/**
 * One row of `cohort bench election`: one algorithm, fault and size, the
 * medians over its seeds. `messages` and `convergeMs` are counted from the
 * crash (scenario `crash`) or from the heal (`halves`, `isolate`);
 * `convergeMs` is the median over the seeds that agreed again (null when
 * none did), `converged` says how many did; split brain is counted from the
 * fault on.
 */
export interface ElectionRow {
  readonly algorithm: string;
  readonly scenario: ElectionFault;
  readonly n: number;
  readonly seeds: number;
  readonly messages: number;
  readonly convergeMs: number | null;
  readonly converged: number;
  readonly splitBrainIntervals: number;
  readonly splitBrainMs: number;
  /** Seeds in which the nodes had not agreed on a leader at the fault time (n−1 stood in for it). */
  readonly notAgreedBefore: number;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  assert(xs.length > 0, "median of an empty list");
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] as number;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2;
}

/**
 * Groups samples by algorithm, fault and size (in first-seen order) and
 * takes the medians over their seeds.
 */
export function electionRows(samples: readonly ElectionSample[]): ElectionRow[] {
  const groups = new Map<string, ElectionSample[]>();
  for (const s of samples) {
    const key = `${s.algorithm}\u0000${s.scenario}\u0000${s.n}`;
    const group = groups.get(key) ?? [];
    group.push(s);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => {
    const first = g[0] as ElectionSample;
    const agreed = g.flatMap((s) => (s.convergeMs === undefined ? [] : [s.convergeMs]));
    return {
      algorithm: first.algorithm,
      scenario: first.scenario,
      n: first.n,
      seeds: g.length,
      messages: median(g.map((s) => s.messages)),
      convergeMs: agreed.length === 0 ? null : median(agreed),
      converged: agreed.length,
      splitBrainIntervals: median(g.map((s) => s.splitBrainIntervals)),
      splitBrainMs: median(g.map((s) => s.splitBrainMs)),
      notAgreedBefore: g.filter((s) => !s.agreedBefore).length,
    };
  });
}

function num(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}

/** The rows as a markdown table, one line per row. */
export function formatElectionTable(rows: readonly ElectionRow[]): string {
  const head = [
    "| algorithm | scenario | n | messages | converge (ms) | agreed | split-brain intervals | split-brain (ms) |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const lines = rows.map((r) => {
    const converge = r.convergeMs === null ? "never" : num(r.convergeMs);
    const note = r.notAgreedBefore > 0 ? ` (${r.notAgreedBefore} not agreed before)` : "";
    return `| ${r.algorithm} | ${r.scenario} | ${r.n} | ${num(r.messages)} | ${converge} | ${r.converged}/${r.seeds}${note} | ${r.splitBrainIntervals} | ${num(r.splitBrainMs)} |`;
  });
  return [...head, ...lines].join("\n");
}
