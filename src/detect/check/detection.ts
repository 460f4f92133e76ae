import type { NodeId, ProtocolEvent } from "../../core/index.js";

/** One event a node emitted, at virtual time `t`. */
export interface TimedEvent {
  readonly t: number;
  readonly node: NodeId;
  readonly event: ProtocolEvent;
}

/** A span in which a node ran no handler: crashed (`crash`) or stalled (`pause`). `toMs` absent: until the end. */
export interface Outage {
  readonly node: NodeId;
  readonly kind: "crash" | "pause";
  readonly fromMs: number;
  readonly toMs?: number;
  /** For a crash: extra time the detectors get, e.g. because its last messages were delayed by a fault. */
  readonly graceMs?: number;
}

/** A span of time in which the run's faults leave completeness unverifiable (e.g. replayed messages). */
export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

/** What the detection check needs to know about a finished run. */
export interface DetectionRun {
  readonly nodeCount: number;
  readonly endMs: number;
  readonly events: readonly TimedEvent[];
  readonly outages: readonly Outage[];
  /**
   * From when on nothing disturbs the cluster any more: every fault that could
   * silence or disconnect a live member has healed, and every restarted member
   * is up. Infinity when some such fault never healed.
   */
  readonly calmFromMs: number;
  /** Crashes whose detection window overlaps one of these are not judged. */
  readonly unverifiable?: readonly Window[];
}

/** The bounds a detector promises. */
export interface DetectionBounds {
  /** From a crash until every live member suspects the crashed one. */
  readonly detectMs: number;
  /** From the calm until no live member suspects another live member. */
  readonly recoverMs: number;
  /**
   * When set, a false suspicion after `recoverMs` is tolerated if it is taken
   * back within this long (a mistake, counted by QoS, not a violation): only a
   * live member that stays suspected longer is a violation. When unset, any
   * suspicion of a live member after the recovery is a violation.
   */
  readonly mistakeMsMax?: number;
}

const ACCUSING = new Set(["suspect", "dead"]);
const CLEARING = new Set(["trust", "join", "left"]);

/** Whether `node` ran handlers throughout [fromMs, toMs]. */
function upThroughout(run: DetectionRun, node: NodeId, fromMs: number, toMs: number): boolean {
  return !run.outages.some(
    (o) => o.node === node && o.fromMs <= toMs && (o.toMs ?? Number.POSITIVE_INFINITY) >= fromMs,
  );
}

/**
 * Whether `a` accuses `b` at time `atMs` (events at `atMs` included), replaying
 * `a`'s suspect/dead/trust/join/left events since its last (re)start.
 */
export function accusesAt(run: DetectionRun, a: NodeId, b: NodeId, atMs: number): boolean {
  const restartMs = lastRestartBefore(run, a, atMs);
  let accused = false;
  for (const e of run.events) {
    if (e.t > atMs) break;
    if (e.node !== a || e.t < restartMs || e.event.peer !== b) continue;
    if (ACCUSING.has(e.event.type)) accused = true;
    else if (CLEARING.has(e.event.type)) accused = false;
  }
  return accused;
}

function lastRestartBefore(run: DetectionRun, node: NodeId, atMs: number): number {
  let at = Number.NEGATIVE_INFINITY;
  for (const o of run.outages) {
    if (o.node === node && o.kind === "crash" && o.toMs !== undefined && o.toMs <= atMs) {
      at = Math.max(at, o.toMs);
    }
  }
  return at;
}

/**
 * Completeness within a bound: for every crash that lasted past `detectMs`,
 * every member that was up from `detectMs` before the crash until the
 * deadline accuses the crashed member at the deadline.
 */
export function completenessViolations(run: DetectionRun, bounds: DetectionBounds): string[] {
  const out: string[] = [];
  for (const crash of run.outages) {
    if (crash.kind !== "crash") continue;
    const deadlineMs = crash.fromMs + bounds.detectMs + (crash.graceMs ?? 0);
    if (deadlineMs > run.endMs || (crash.toMs ?? Number.POSITIVE_INFINITY) <= deadlineMs) continue;
    const judged = (run.unverifiable ?? []).every(
      (w) => w.toMs < crash.fromMs || w.fromMs > deadlineMs,
    );
    if (!judged) continue;
    for (let a = 0; a < run.nodeCount; a++) {
      if (a === crash.node) continue;
      if (!upThroughout(run, a, crash.fromMs - bounds.detectMs, deadlineMs)) continue;
      if (accusesAt(run, a, crash.node, deadlineMs)) continue;
      out.push(
        `n${a} did not suspect n${crash.node} within ${deadlineMs - crash.fromMs} ms of its crash at ${crash.fromMs} ms (checked at ${deadlineMs} ms)`,
      );
    }
  }
  return out;
}

/**
 * Accuracy after the calm: from `recoverMs` after the calm until the end, no
 * member up since the calm accuses another member up since the calm.
 */
export function accuracyViolations(run: DetectionRun, bounds: DetectionBounds): string[] {
  const fromMs = run.calmFromMs + bounds.recoverMs;
  if (!(fromMs <= run.endMs)) return [];
  const up: NodeId[] = [];
  for (let id = 0; id < run.nodeCount; id++) {
    if (upThroughout(run, id, run.calmFromMs, run.endMs)) up.push(id);
  }
  const out: string[] = [];
  for (const a of up) {
    for (const b of up) {
      if (a === b) continue;
      const at = firstAccusationFrom(run, a, b, fromMs, bounds.mistakeMsMax);
      if (at === undefined) continue;
      const how =
        bounds.mistakeMsMax === undefined ? "" : ` for more than ${bounds.mistakeMsMax} ms`;
      out.push(
        `n${a} suspected live, connected n${b}${how} from ${at} ms, later than ${bounds.recoverMs} ms after the last fault healed (${run.calmFromMs} ms)`,
      );
    }
  }
  return out;
}

/**
 * The first time at or after `fromMs` that `a` accuses `b` for longer than
 * `toleratedMs` (or at all, when undefined), or undefined.
 */
function firstAccusationFrom(
  run: DetectionRun,
  a: NodeId,
  b: NodeId,
  fromMs: number,
  toleratedMs: number | undefined,
): number | undefined {
  const tolerated = toleratedMs ?? -1;
  let since: number | undefined = accusesAt(run, a, b, fromMs) ? fromMs : undefined;
  for (const e of run.events) {
    if (e.t <= fromMs || e.node !== a || e.event.peer !== b) continue;
    if (ACCUSING.has(e.event.type) && since === undefined) {
      since = e.t;
      if (tolerated < 0) return since;
    } else if (CLEARING.has(e.event.type) && since !== undefined) {
      if (e.t - since > tolerated) return since;
      since = undefined;
    }
  }
  if (since !== undefined && (tolerated < 0 || run.endMs - since > tolerated)) return since;
  return undefined;
}

/** Both checks: completeness within `detectMs`, accuracy `recoverMs` after the calm. */
export function detectionViolations(run: DetectionRun, bounds: DetectionBounds): string[] {
  return [...completenessViolations(run, bounds), ...accuracyViolations(run, bounds)];
}
