import { assert } from "../core/index.js";
import type { ScheduledFault } from "./schedule.js";
import { describeFault } from "./schedule.js";
import type { DropReason, NetworkConfig, StopReason } from "./types.js";

/** Every setting a run used, after flags, file and scenario defaults were merged. */
export interface RunSettings {
  readonly nodes: number;
  readonly durationMs: number;
  /** `none`, `random` (every verb) or the comma-separated verbs of the random nemesis. */
  readonly nemesis: string;
  /** Mean random faults per virtual second (0 with `none`). */
  readonly ratePerSec: number;
  /** Faults given explicitly (by a scenario file or a shrunk schedule), beside the random ones. */
  readonly explicitFaults: number;
  readonly network?: NetworkConfig;
  readonly receiveBufferCapacity?: number;
  /** The scenario file the run came from, when it did. */
  readonly file?: string;
}

/**
 * The result of one simulator run: what `cohort sim --json` prints and what
 * sweeps collect. Field names are stable (documented in docs/simulator.md):
 * - `scenario`, `seed`, `settings`: what ran;
 * - `traceHash`: 16 hex digits over the whole trace; same seed and settings, same hash;
 * - `virtualMs`: where virtual time stood at the end; `stopReason`: why the run ended;
 * - `events`: events the engine dispatched; `emitted`: events the protocols emitted;
 * - `messages`: `sent`, `delivered`, `dropped` (by every reason, zeros included),
 *   `duplicated`, `replayed`, `corrupted`, `inFlight` (at the end);
 * - `faults`: what was injected, `{at, fault, …options, healAt}`, in order;
 * - `violations`: empty when every check held;
 * - `wallMs`: real time the run took; `replay`: the command that reruns it.
 *
 * A scenario's `results` (e.g. `splitBrain`) follow as further top-level
 * keys, never one of these (see `withResults`).
 */
export interface RunSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly settings: RunSettings;
  readonly traceHash: string;
  readonly virtualMs: number;
  readonly stopReason: StopReason;
  readonly events: number;
  readonly emitted: number;
  readonly messages: {
    readonly sent: number;
    readonly delivered: number;
    readonly dropped: Readonly<Record<DropReason, number>>;
    readonly duplicated: number;
    readonly replayed: number;
    readonly corrupted: number;
    readonly inFlight: number;
  };
  readonly faults: readonly ScheduledFault[];
  readonly violations: readonly string[];
  readonly wallMs: number;
  readonly replay: string;
}

/** The standard fields of a run summary; a scenario's `results` may not use these keys. */
export const RUN_SUMMARY_KEYS = [
  "scenario",
  "seed",
  "settings",
  "traceHash",
  "virtualMs",
  "stopReason",
  "events",
  "emitted",
  "messages",
  "faults",
  "violations",
  "wallMs",
  "replay",
] as const satisfies readonly (keyof RunSummary)[];

const STANDARD_KEYS: ReadonlySet<string> = new Set(RUN_SUMMARY_KEYS);

/**
 * `summary` with a scenario's extra figures added at the top level, after the
 * standard fields. Throws an `AssertionError` naming the scenario and key when
 * a key is a standard field (a scenario may never overwrite `violations`,
 * `seed`, …); the standard fields are returned unchanged.
 */
export function withResults(
  summary: RunSummary,
  results: Readonly<Record<string, unknown>>,
): RunSummary {
  for (const key of Object.keys(results)) {
    assert(
      !STANDARD_KEYS.has(key),
      `${summary.scenario} results: key "${key}" collides with a standard run summary field`,
    );
  }
  return { ...summary, ...results };
}

/** The keys of `summary` that a scenario's `results` added, in order. */
export function extraKeys(summary: RunSummary): string[] {
  return Object.keys(summary).filter((key) => !STANDARD_KEYS.has(key));
}

/**
 * One short line for an extra figure: a number (to three decimals), string or
 * boolean as is, an array by its length; undefined for anything else (it is only in `--json`).
 */
export function formatExtra(key: string, value: unknown): string | undefined {
  if (typeof value === "number") return `${key}: ${Math.round(value * 1000) / 1000}`;
  if (typeof value === "string" || typeof value === "boolean") return `${key}: ${value}`;
  if (Array.isArray(value)) {
    return `${key}: ${value.length} ${value.length === 1 ? "entry" : "entries"}${value.length === 0 ? "" : " (--json lists them)"}`;
  }
  return undefined;
}

/** The first line of every run: the seed and every derived setting (TigerBeetle style). */
export function formatSettings(scenario: string, seed: number, settings: RunSettings): string {
  const parts = [
    `SEED=${seed}`,
    `scenario=${scenario}`,
    ...(settings.file === undefined ? [] : [`file=${settings.file}`]),
    `nodes=${settings.nodes}`,
    `durationMs=${settings.durationMs}`,
    `nemesis=${settings.nemesis}`,
    `ratePerSec=${settings.ratePerSec}`,
    `explicitFaults=${settings.explicitFaults}`,
  ];
  if (settings.receiveBufferCapacity !== undefined) {
    parts.push(`receiveBufferCapacity=${settings.receiveBufferCapacity}`);
  }
  if (settings.network !== undefined) parts.push(`network=${JSON.stringify(settings.network)}`);
  return parts.join(" ");
}

/** Dropped counts with a non-zero value, as `loss=3 partition=12`, or `none`. */
export function formatDrops(dropped: Readonly<Record<string, number>>): string {
  const nonZero = Object.entries(dropped).filter(([, n]) => n > 0);
  return nonZero.length === 0 ? "none" : nonZero.map(([reason, n]) => `${reason}=${n}`).join(" ");
}

/**
 * The human form of a summary: counters, the faults (at most `faultLinesMax`
 * listed), then the verdict; a failure ends with the command that replays it.
 */
export function formatSummary(summary: RunSummary, faultLinesMax = 20): string {
  const m = summary.messages;
  const lines = [
    `virtual time ${Math.round(summary.virtualMs * 1000) / 1000} ms (${summary.stopReason}), ${summary.events} events, ${summary.emitted} emitted, wall ${summary.wallMs} ms`,
    `messages: sent ${m.sent}, delivered ${m.delivered}, dropped ${formatDrops(m.dropped)}, duplicated ${m.duplicated}, replayed ${m.replayed}, corrupted ${m.corrupted}, in flight ${m.inFlight}`,
    `faults: ${summary.faults.length}`,
    ...summary.faults.slice(0, faultLinesMax).map((f) => `  ${describeFault(f)}`),
  ];
  if (summary.faults.length > faultLinesMax) {
    lines.push(`  … ${summary.faults.length - faultLinesMax} more (--json lists them all)`);
  }
  lines.push(`traceHash ${summary.traceHash}`);
  const extras = summary as unknown as Readonly<Record<string, unknown>>;
  for (const key of extraKeys(summary)) {
    const line = formatExtra(key, extras[key]);
    if (line !== undefined) lines.push(line);
  }
  if (summary.violations.length === 0) {
    lines.push("ok: every check held");
  } else {
    lines.push(`FAILED: ${summary.violations.length} violation(s)`);
    for (const v of summary.violations) lines.push(`  ${v}`);
    lines.push(`replay: ${summary.replay}`);
  }
  return lines.join("\n");
}
