import type { ElectionRow } from "./election-table.js";
import { type PlotSeries, svgPlot } from "./svg-plot.js";

/** The names of the two slope guides drawn beside the algorithms. */
export const ELECTION_GUIDES = ["guide: n", "guide: n²"] as const;

/**
 * Messages per election against cluster size after the leader crashes, one
 * series per algorithm (the `crash` rows' medians), both axes logarithmic,
 * with two slope guides, y = n and y = n², so a series parallel
 * to one grows like it (bully's worst case beside ring's circuit). A
 * self-contained SVG document; undefined when no algorithm ran at two or more
 * sizes.
 */
export function electionMessagesSvg(rows: readonly ElectionRow[]): string | undefined {
  const crash = rows.filter((r) => r.scenario === "crash");
  const byAlgorithm = new Map<string, ElectionRow[]>();
  for (const r of crash) byAlgorithm.set(r.algorithm, [...(byAlgorithm.get(r.algorithm) ?? []), r]);
  const series: PlotSeries[] = [...byAlgorithm]
    .map(([name, rs]) => ({ name, points: rs.map((r) => ({ x: r.n, y: r.messages })) }))
    .filter((s) => s.points.length >= 2);
  if (series.length === 0) return undefined;
  const sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const guides: PlotSeries[] = [
    { name: ELECTION_GUIDES[0], points: sizes.map((n) => ({ x: n, y: n })) },
    { name: ELECTION_GUIDES[1], points: sizes.map((n) => ({ x: n, y: n * n })) },
  ];
  return svgPlot({
    title: "Messages per election after the leader crashes",
    xLabel: "cluster size n (log)",
    yLabel: "election messages until all agree (median, log)",
    xLog: true,
    yLog: true,
    series: [...series, ...guides],
  });
}
