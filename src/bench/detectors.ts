import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EXIT, intFlag, parseFlags, UsageError } from "../cli/command.js";
import {
  CURVE_CONDITIONS,
  CURVE_PHI_VARIANTS,
  type CurvePoint,
  conditionCurves,
  type MatchedPoint,
  matchCurves,
} from "./detectors-curves.js";
import {
  evaluate,
  QOS_DETECTORS,
  QOS_SCENARIOS,
  QOS_TIMING,
  type QosRow,
  swimFirstDetectionPeriods,
} from "./detectors-qos.js";
import { curvesSvg, loadSvg } from "./detectors-svg.js";

const HELP_FIELDS =
  "detector, scenario, n, detectionMsFirst, detectionMsAll, mistakesPerMemberHour, mistakeMs, healthyMistakesPerMemberHour, msgsPerMemberPerSec, bytesPerMemberPerSec";

function list(value: string | undefined, all: readonly string[], what: string): string[] {
  if (value === undefined) return [...all];
  const names = value.split(",").map((s) => s.trim());
  for (const name of names) {
    if (!all.includes(name))
      throw new UsageError(
        `--${what}: unknown ${JSON.stringify(name)}; expected one of ${all.join(", ")}`,
      );
  }
  return names;
}

function fmt(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "never";
}

/** The rows as a markdown table. */
export function formatQosTable(rows: readonly QosRow[]): string {
  const head =
    "| detector | scenario | n | T_D first (ms) | T_D all (ms) | mistakes /member·h | T_M (ms) | of healthy members /member·h | msgs /member·s | bytes /member·s |\n|---|---|---|---|---|---|---|---|---|---|";
  const lines = rows.map(
    (r) =>
      `| ${r.detector} | ${r.scenario} | ${r.n} | ${fmt(r.detectionMsFirst)} | ${fmt(r.detectionMsAll)} | ${fmt(r.mistakesPerMemberHour, 1)} | ${fmt(r.mistakeMs)} | ${fmt(r.healthyMistakesPerMemberHour, 1)} | ${fmt(r.msgsPerMemberPerSec, 1)} | ${fmt(r.bytesPerMemberPerSec)} |`,
  );
  return [head, ...lines].join("\n");
}

/**
 * `cohort bench detectors`: the Chen–Toueg–Aguilera QoS of every detector
 * under every condition, in the simulator, one crash per run after a
 * mistake-counting window. Prints a markdown table (or one JSON row object
 * per detector, scenario and n with `--json`) and SWIM's first-detection
 * time in periods beside e/(e−1).
 */
export async function runDetectorsBench(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      seeds: { type: "string" },
      n: { type: "string" },
      detectors: { type: "string" },
      scenarios: { type: "string" },
      json: { type: "boolean" },
      quick: { type: "boolean" },
      curves: { type: "boolean" },
      svg: { type: "string" },
    },
    false,
  );
  const svgDir = values.svg === undefined ? undefined : resolve(values.svg);
  // Made before the runs, so a bad folder is reported at once rather than after them.
  if (svgDir !== undefined) makeDir(svgDir);
  if (values.curves === true)
    return printCurves(intFlag("seeds", values.seeds, 5, 1, 1000), values.json === true, svgDir);
  const quick = values.quick === true;
  const seeds = intFlag("seeds", values.seeds, quick ? 1 : 3, 1, 1000);
  const sizes = (values.n ?? "8").split(",").map((s) => intFlag("n", s, 8, 3, 4096));
  const detectors = list(
    values.detectors ?? (quick ? "heartbeat,swim" : undefined),
    QOS_DETECTORS.map((d) => d.name),
    "detectors",
  );
  const scenarios = list(
    values.scenarios ?? (quick ? "clean" : undefined),
    QOS_SCENARIOS.map((s) => s.name),
    "scenarios",
  );
  const rows: QosRow[] = [];
  for (const n of sizes) {
    for (const d of QOS_DETECTORS.filter((x) => detectors.includes(x.name))) {
      for (const s of QOS_SCENARIOS.filter((x) => scenarios.includes(x.name)))
        rows.push(evaluate(d, s, n, seeds));
    }
  }
  if (svgDir !== undefined) {
    const svg = loadSvg(rows);
    if (svg === undefined) {
      process.stderr.write(
        "cohort bench detectors: --svg: no load-against-n plot, since no detector ran at two or more sizes (give --n 8,64,...)\n",
      );
    } else writeSvg(svgDir, "load-vs-n.svg", svg);
  }
  const first = swimFirstDetectionPeriods(quick ? 16 : 64, quick ? 5 : 100);
  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify({ rows, swimFirstDetection: { ...first, expected: Math.E / (Math.E - 1) } })}\n`,
    );
    return EXIT.ok;
  }
  const t = QOS_TIMING;
  process.stdout.write(
    `cohort bench detectors: seeds 1..${seeds} per row; warm-up ${t.warmupMs} ms, mistakes counted until the crash of the last member at ${t.crashAtMs} ms, detection watched for ${t.afterCrashMs} ms; medians of T_D, means of the rest\n(fields with --json: ${HELP_FIELDS})\n\n${formatQosTable(rows)}\n\n` +
      `SWIM first detection, suspicion off, n = ${quick ? 16 : 64}, ${first.runs} runs: ${first.meanPeriods.toFixed(3)} periods after the crash (minus the mean half period before the next probe); e/(e−1) = ${(Math.E / (Math.E - 1)).toFixed(3)}\n`,
  );
  return EXIT.ok;
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--svg: cannot make the folder ${dir}: ${(error as Error).message}`);
  }
}

/** Writes one plot into `dir` and says where on stderr. */
function writeSvg(dir: string, name: string, svg: string): void {
  try {
    writeFileSync(join(dir, name), svg);
  } catch (error) {
    throw new UsageError(`--svg: cannot write ${join(dir, name)}: ${(error as Error).message}`);
  }
  process.stderr.write(`cohort bench detectors: wrote ${join(dir, name)}\n`);
}

function ratio(m: MatchedPoint): string {
  const d = m.deadlineMistakesPerMemberHour;
  if (d === undefined) return "outside the deadline sweep";
  if (m.phiMistakesPerMemberHour === 0) return d === 0 ? "both 0" : "phi 0";
  return `${(d / m.phiMistakesPerMemberHour).toFixed(2)}`;
}

function printCurves(seeds: number, json: boolean, svgDir: string | undefined): number {
  const points: CurvePoint[] = [];
  for (const c of CURVE_CONDITIONS) {
    const mine = conditionCurves(c, seeds, CURVE_PHI_VARIANTS);
    points.push(...mine);
    if (svgDir !== undefined) {
      const name = c.name === "jitter" ? "" : `-${c.name}`;
      writeSvg(svgDir, `detection-vs-mistakes${name}.svg`, curvesSvg(mine, c.title));
    }
  }
  const matched = matchCurves(points);
  if (json) {
    process.stdout.write(`${JSON.stringify({ curves: points, matched })}\n`);
    return EXIT.ok;
  }
  const out: string[] = [
    `cohort bench detectors --curves: n = 8, seeds 1..${seeds} per point (1..${12 * seeds} for young windows); heartbeat's deadline (ms) and phi's threshold swept (phi without acceptable pause; "phi" has the default 1000-sample window, "phi-w200" 200 samples); mean T_D over every observer of every seed's crash; mistakes counted from 10 s until the crash (young windows: from 2 s to 24 s)`,
  ];
  for (const c of CURVE_CONDITIONS) {
    const mine = points.filter((p) => p.condition === c.name);
    const spread = (p: CurvePoint) =>
      p.phiDeadline === undefined
        ? ""
        : `${fmt(p.phiDeadline.meanMs)} (sd ${fmt(p.phiDeadline.sdMs)}, 5-95% ${fmt(p.phiDeadline.p5Ms)}-${fmt(p.phiDeadline.p95Ms)})`;
    out.push(
      `\n### ${c.description}\n\n| detector | setting | mean T_D (ms) | mistakes /member·h | mistakes | phi's deadline per link (ms) |\n|---|---|---|---|---|---|`,
      ...mine.map(
        (p) =>
          `| ${p.detector} | ${p.setting} | ${fmt(p.detectionMsMean)} | ${fmt(p.mistakesPerMemberHour, 2)} | ${p.mistakes} | ${spread(p)} |`,
      ),
      "\nAt the same mean T_D (the deadline curve interpolated geometrically between its two neighbouring points; 0 when the longer one made none):\n\n| phi | threshold | mean T_D (ms) | phi mistakes /member·h | deadline mistakes /member·h | deadline ÷ phi |\n|---|---|---|---|---|---|",
      ...matched
        .filter((m) => m.condition === c.name)
        .map(
          (m) =>
            `| ${m.detector} | ${m.threshold} | ${fmt(m.detectionMsMean)} | ${fmt(m.phiMistakesPerMemberHour, 2)} | ${m.deadlineMistakesPerMemberHour === undefined ? "-" : fmt(m.deadlineMistakesPerMemberHour, 2)} | ${ratio(m)} |`,
        ),
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
  return EXIT.ok;
}
