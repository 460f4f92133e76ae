/**
 * Figures from Demers et al. 1987, "Epidemic Algorithms for Replicated
 * Database Maintenance", for n = 1,000 sites, as recorded in
 * /work/shared/papers/demers-1987-tables.md. Residue s, traffic m (updates
 * sent per site), t_ave and t_last (cycles until a site learns the update).
 */
export interface PaperRow {
  readonly k: number;
  readonly residue: number;
  readonly traffic: number;
  readonly tAve: number;
  readonly tLast: number;
}

/** A table of the paper: the setting it measured and its rows. */
export interface PaperTable {
  readonly id: "table1" | "table2" | "table3";
  readonly title: string;
  readonly feedback: boolean;
  readonly policy: "coin" | "counter";
  readonly mode: "push" | "pull";
  readonly rows: readonly PaperRow[];
}

const row = (k: number, residue: number, traffic: number, tAve: number, tLast: number) => ({
  k,
  residue,
  traffic,
  tAve,
  tLast,
});

/** Tables 1–3 of the paper (Table 1 is the primary check). */
export const PAPER_TABLES: readonly PaperTable[] = [
  {
    id: "table1",
    title: "Table 1: feedback, counter, push",
    feedback: true,
    policy: "counter",
    mode: "push",
    rows: [
      row(1, 0.176, 1.74, 11.0, 16.8),
      row(2, 0.037, 3.3, 12.1, 16.9),
      row(3, 0.011, 4.53, 12.5, 17.4),
      row(4, 0.0036, 5.64, 12.7, 17.5),
      row(5, 0.0012, 6.68, 12.8, 17.7),
    ],
  },
  {
    id: "table2",
    title: "Table 2: blind, coin, push",
    feedback: false,
    policy: "coin",
    mode: "push",
    rows: [
      row(1, 0.96, 0.04, 19, 38),
      row(2, 0.205, 1.59, 17, 33),
      row(3, 0.06, 2.82, 15, 32),
      row(4, 0.021, 3.91, 14.1, 32),
      row(5, 0.008, 4.95, 13.8, 32),
    ],
  },
  {
    id: "table3",
    title: "Table 3: feedback, counter, pull (no connection limit)",
    feedback: true,
    policy: "counter",
    mode: "pull",
    rows: [
      row(1, 3.1e-2, 2.7, 9.97, 17.63),
      row(2, 5.8e-4, 4.49, 10.07, 15.39),
      row(3, 4.0e-6, 6.09, 10.08, 14.0),
    ],
  },
];

/**
 * The paper's analytic residue for feedback, coin, push as n grows: the root
 * in (0, 1) of s = e^(−(k+1)(1−s)), found by fixed-point iteration.
 */
export function analyticCoinResidue(k: number): number {
  let s = 0.5;
  for (let i = 0; i < 10_000; i++) {
    const next = Math.exp(-(k + 1) * (1 - s));
    if (Math.abs(next - s) < 1e-15) return next;
    s = next;
  }
  return s;
}
