import type { CurvePoint } from "./detectors-curves.js";
import type { QosRow } from "./detectors-qos.js";
import { type PlotSeries, svgPlot } from "./svg-plot.js";

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k) ?? [];
    group.push(item);
    groups.set(k, group);
  }
  return groups;
}

function seriesName(detector: string): string {
  if (detector === "heartbeat") return "fixed deadline (ms)";
  if (detector === "phi") return "phi threshold";
  return `${detector} threshold`;
}

/**
 * Detection time against mistake rate under one condition, one series per
 * detector (the fixed deadline's from a deadline sweep, each φ variant's from
 * a threshold sweep), each point labelled with its setting, the same mean
 * detection-time axis for all. A self-contained SVG document.
 */
export function curvesSvg(points: readonly CurvePoint[], condition: string): string {
  const series: PlotSeries[] = [...groupBy(points, (p) => p.detector)].map(([name, ps]) => ({
    name: seriesName(name),
    points: ps.map((p) => ({
      x: p.detectionMsMean,
      y: p.mistakesPerMemberHour,
      label: String(p.setting),
    })),
  }));
  return svgPlot({
    title: `Detection time against mistake rate: ${condition}, n = 8`,
    xLabel: "mean detection time after a crash (ms)",
    yLabel: "false suspicions per member-hour (log)",
    yLog: true,
    series,
  });
}

/**
 * Messages per member per second against cluster size, one series per
 * detector (and condition, when the rows hold more than one), both axes
 * logarithmic. A self-contained SVG document; undefined when no series has
 * two sizes to draw a line through.
 */
export function loadSvg(rows: readonly QosRow[]): string | undefined {
  const scenarios = new Set(rows.map((r) => r.scenario));
  const key = (r: QosRow): string =>
    scenarios.size === 1 ? r.detector : `${r.detector} (${r.scenario})`;
  const series: PlotSeries[] = [...groupBy(rows, key)]
    .map(([name, rs]) => ({ name, points: rs.map((r) => ({ x: r.n, y: r.msgsPerMemberPerSec })) }))
    .filter((s) => s.points.length >= 2);
  if (series.length === 0) return undefined;
  return svgPlot({
    title: `Load against cluster size${scenarios.size === 1 ? ` (${[...scenarios][0]})` : ""}`,
    xLabel: "members n (log)",
    yLabel: "messages per member per second (log)",
    xLog: true,
    yLog: true,
    series,
  });
}
