import { assert } from "../core/assert.js";

/** One named line of points on a plot. */
export interface PlotSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number; readonly label?: string }[];
}

/** What a plot shows and how its axes are scaled. */
export interface PlotSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xLog?: boolean;
  /**
   * Log-scaled y. Zeros (which a log axis cannot show) are drawn on a "0"
   * line one decade below the smallest positive value.
   */
  readonly yLog?: boolean;
  readonly series: readonly PlotSeries[];
}

const W = 720;
const H = 460;
const M = { left: 80, right: 190, top: 44, bottom: 60 };
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"];

function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function num(x: number): string {
  if (x === 0) return "0";
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  if (Math.abs(x) >= 10) return String(Math.round(x));
  return String(Number(x.toPrecision(2)));
}

interface Axis {
  readonly ticks: readonly { value: number; text: string }[];
  /** Maps a data value to [0, 1] along the axis. */
  readonly at: (v: number) => number;
}

function linearAxis(values: readonly number[]): Axis {
  let lo = Math.min(0, ...values);
  let hi = Math.max(...values);
  if (hi === lo) hi = lo + 1;
  const rough = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= rough) ?? 10 * mag;
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push({ value: v, text: num(v) });
  return { ticks, at: (v) => (v - lo) / (hi - lo) };
}

function logAxis(values: readonly number[]): Axis {
  const positive = values.filter((v) => v > 0);
  const hasZero = values.some((v) => v <= 0);
  // A little room on both sides, so no point sits on the frame.
  const minDecade = Math.floor(Math.log10(positive.length > 0 ? Math.min(...positive) * 0.9 : 1));
  const maxDecade = Math.max(
    minDecade + 1,
    Math.ceil(Math.log10(positive.length > 0 ? Math.max(...positive) * 1.1 : 10)),
  );
  const floor = hasZero ? minDecade - 1 : minDecade;
  const span = maxDecade - floor;
  const ticks = [];
  for (let d = floor; d <= maxDecade; d++) {
    ticks.push({ value: 10 ** d, text: hasZero && d === floor ? "0" : num(10 ** d) });
  }
  return {
    ticks,
    at: (v) => (v <= 0 ? 0 : (Math.log10(v) - floor) / span),
  };
}

/**
 * A self-contained SVG line chart: no scripts, fonts or links to anything
 * outside the file; axes with ticks and labels, a title and a legend naming
 * every series. Every point must be finite (an infinite one is an error, not
 * a silently missing dot).
 */
export function svgPlot(spec: PlotSpec): string {
  assert(spec.series.length > 0, `plot ${JSON.stringify(spec.title)}: no series`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of spec.series) {
    for (const p of s.points) {
      assert(
        Number.isFinite(p.x) && Number.isFinite(p.y),
        `plot ${JSON.stringify(spec.title)}: series ${JSON.stringify(s.name)} has a non-finite point (${p.x}, ${p.y})`,
      );
      xs.push(p.x);
      ys.push(p.y);
    }
  }
  assert(xs.length > 0, `plot ${JSON.stringify(spec.title)}: no points`);
  const xAxis = spec.xLog === true ? logAxis(xs) : linearAxis(xs);
  const yAxis = spec.yLog === true ? logAxis(ys) : linearAxis(ys);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (v: number): number => M.left + xAxis.at(v) * pw;
  const py = (v: number): number => M.top + (1 - yAxis.at(v)) * ph;
  const f = (v: number): string => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of xAxis.ticks) {
    const x = f(px(t.value));
    out.push(
      `<line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="#e4e4e4"/>`,
      `<text x="${x}" y="${M.top + ph + 18}" text-anchor="middle">${escapeXml(t.text)}</text>`,
    );
  }
  for (const t of yAxis.ticks) {
    const y = f(py(t.value));
    out.push(
      `<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="#e4e4e4"/>`,
      `<text x="${M.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(t.text)}</text>`,
    );
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333333"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 16}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(20 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const [i, s] of spec.series.entries()) {
    const color = COLORS[i % COLORS.length] ?? "#000000";
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const path = pts.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(" ");
    out.push(
      `<g class="series" data-name="${escapeXml(s.name)}">`,
      `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`,
    );
    for (const p of pts) {
      out.push(`<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="3.5" fill="${color}"/>`);
      if (p.label !== undefined) {
        out.push(
          `<text x="${f(px(p.x) + 6)}" y="${f(py(p.y) - 6)}" font-size="10" fill="${color}">${escapeXml(p.label)}</text>`,
        );
      }
    }
    out.push("</g>");
    const ly = M.top + 10 + i * 20;
    const lx = M.left + pw + 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<circle cx="${lx + 11}" cy="${ly}" r="3.5" fill="${color}"/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
    );
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
