import type { AntiEntropyCurves } from "./bench-gossip.js";
import type { ExchangeMode } from "./rumor-rounds.js";

const WIDTH = 800;
const HEIGHT = 480;
const M = { left: 70, right: 235, top: 50, bottom: 55 };
const COLOURS: Record<ExchangeMode, string> = {
  push: "#d9480f",
  pull: "#1864ab",
  pushpull: "#2b8a3e",
};
const DARK: Record<ExchangeMode, string> = {
  push: "#5c1a00",
  pull: "#062a4d",
  pushpull: "#0b3d1b",
};
const LABELS: Record<ExchangeMode, string> = { push: "push", pull: "pull", pushpull: "push-pull" };

/**
 * A self-contained SVG (no scripts, no external fonts or files) of the
 * susceptible fraction by cycle on a log scale: simulated means as solid lines
 * with dots, the paper's recurrences as dashed lines of the same colour.
 * Values below the plot's floor (1 / (10 n)) end a line.
 */
export function antiEntropySvg(curves: AntiEntropyCurves): string {
  const floorExp = Math.floor(Math.log10(1 / curves.n)) - 1;
  const lengths = [...Object.values(curves.simulated), ...Object.values(curves.recurrence)].map(
    (c) => c.length - 1,
  );
  const cyclesMax = Math.max(...lengths, 1);
  const xOf = (cycle: number) => M.left + (cycle / cyclesMax) * (WIDTH - M.left - M.right);
  const yOf = (p: number) => M.top + (Math.log10(p) / floorExp) * (HEIGHT - M.top - M.bottom);
  const parts: string[] = [axes(cyclesMax, floorExp, xOf, yOf)];
  const modes: ExchangeMode[] = ["pull", "push", "pushpull"];
  for (const mode of modes) {
    parts.push(line(curves.simulated[mode], xOf, yOf, floorExp, COLOURS[mode], false));
  }
  for (const mode of modes) {
    parts.push(line(curves.recurrence[mode], xOf, yOf, floorExp, DARK[mode], true));
  }
  parts.push(legend(modes));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="13">`,
    `<title>Anti-entropy: fraction of susceptible sites by cycle for push, pull and push-pull, simulated and by the paper's recurrences</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${M.left}" y="24" font-size="15" font-weight="bold">Anti-entropy: fraction of susceptible sites by cycle (n = ${curves.n.toLocaleString("en")}, one run, seed 1)</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

function axes(
  cyclesMax: number,
  floorExp: number,
  xOf: (c: number) => number,
  yOf: (p: number) => number,
): string {
  const out: string[] = [];
  const x0 = xOf(0);
  const x1 = xOf(cyclesMax);
  for (let e = 0; e >= floorExp; e--) {
    const y = yOf(10 ** e).toFixed(1);
    out.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#e9ecef"/>`);
    out.push(
      `<text x="${x0 - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">1e${e}</text>`,
    );
  }
  const step = cyclesMax > 40 ? 10 : 5;
  for (let c = 0; c <= cyclesMax; c += step) {
    const x = xOf(c).toFixed(1);
    out.push(
      `<line x1="${x}" y1="${yOf(1)}" x2="${x}" y2="${yOf(10 ** floorExp)}" stroke="#f1f3f5"/>`,
    );
    out.push(`<text x="${x}" y="${yOf(10 ** floorExp) + 18}" text-anchor="middle">${c}</text>`);
  }
  const yBottom = yOf(10 ** floorExp);
  out.push(`<line x1="${x0}" y1="${yOf(1)}" x2="${x0}" y2="${yBottom}" stroke="#343a40"/>`);
  out.push(`<line x1="${x0}" y1="${yBottom}" x2="${x1}" y2="${yBottom}" stroke="#343a40"/>`);
  out.push(`<text x="${(x0 + x1) / 2}" y="${yBottom + 40}" text-anchor="middle">cycle</text>`);
  out.push(
    `<text transform="translate(18 ${(yOf(1) + yBottom) / 2}) rotate(-90)" text-anchor="middle">fraction susceptible p(i)</text>`,
  );
  return out.join("\n");
}

function line(
  values: readonly number[],
  xOf: (c: number) => number,
  yOf: (p: number) => number,
  floorExp: number,
  colour: string,
  dashed: boolean,
): string {
  const points: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const p = values[i]!;
    if (Number.isNaN(p) && points.length === 0) continue;
    if (!(p >= 10 ** floorExp)) break;
    points.push(`${xOf(i).toFixed(1)},${yOf(p).toFixed(1)}`);
  }
  const style = dashed ? `stroke-dasharray="6 4" stroke-width="1.5"` : `stroke-width="2.5"`;
  const dots = dashed
    ? ""
    : points
        .map(
          (pt) =>
            `<circle cx="${pt.split(",")[0]}" cy="${pt.split(",")[1]}" r="3" fill="${colour}"/>`,
        )
        .join("");
  return `<polyline points="${points.join(" ")}" fill="none" stroke="${colour}" ${style}/>${dots}`;
}

function legend(modes: readonly ExchangeMode[]): string {
  const x = WIDTH - M.right + 20;
  const out: string[] = [];
  const formulas: Record<ExchangeMode, string> = {
    pull: "p² (paper)",
    push: "p·(1−1/n)^(n(1−p)) ≈ p/e",
    pushpull: "product of both",
  };
  modes.forEach((mode, i) => {
    const y = M.top + 20 + i * 62;
    const c = COLOURS[mode];
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x + 26}" y2="${y}" stroke="${c}" stroke-width="2.5"/><circle cx="${x + 13}" cy="${y}" r="3" fill="${c}"/>`,
    );
    out.push(
      `<text x="${x + 34}" y="${y}" dominant-baseline="middle">${LABELS[mode]}, simulated</text>`,
    );
    out.push(
      `<line x1="${x}" y1="${y + 20}" x2="${x + 26}" y2="${y + 20}" stroke="${DARK[mode]}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `<text x="${x + 34}" y="${y + 20}" dominant-baseline="middle" font-size="11">${formulas[mode]}</text>`,
    );
  });
  const y = M.top + 20 + modes.length * 62;
  out.push(
    `<text x="${x}" y="${y}" font-size="11" fill="#495057">dashed: the paper's recurrence,</text>`,
  );
  out.push(
    `<text x="${x}" y="${y + 15}" font-size="11" fill="#495057">started from the simulated p at</text>`,
  );
  out.push(
    `<text x="${x}" y="${y + 30}" font-size="11" fill="#495057">the first cycle where p &lt; 0.9</text>`,
  );
  return out.join("\n");
}
