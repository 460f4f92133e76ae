import type { NodeId } from "../core/index.js";
import type { DetectionRun, Outage, Window } from "../detect/check/detection.js";
import type { RunView } from "../sim/scenario.js";
import type { ScheduledFault } from "../sim/schedule.js";

/** What a detector scenario assumes of the network it is judged on. */
export interface DetectAssumptions {
  /** The largest one-way latency of the run's network without faults (the default network: 5 ms). */
  readonly latencyBoundMs: number;
  /** How long after a Byzantine replay heals its old messages may still arrive and mislead. */
  readonly replayAfterglowMs: number;
  /**
   * For detectors that relay liveness evidence (gossiped heartbeat counters): a
   * crash near a partition, cut link, paused member or latency spike is judged
   * from its heal, since fresher pre-crash evidence from across the cut (or
   * from a resumed member's backlog, or late at every hop) legitimately
   * revives the member.
   */
  readonly relayedEvidence?: boolean;
  /**
   * For group-level detectors (FUSE): any crash fails the group for everyone,
   * who all suspect each other until the next group forms, so even a
   * permanent crash counts as a disturbance that must calm down.
   */
  readonly crashDisturbsAll?: boolean;
}

/** Latency bound of the scenarios' network (uniform 1–5 ms by default), with room for jitter. */
export const DETECT_ASSUMPTIONS: DetectAssumptions = { latencyBoundMs: 50, replayAfterglowMs: 0 };

const INFINITE = Number.POSITIVE_INFINITY;

/** Clock faults make an observer's timers early or late; it is not held to the bound until this long after the heal. */
function clockSettleMs(f: Extract<ScheduledFault, { fault: "clock" }>, endMs: number): number {
  const heal = f.healAt ?? endMs;
  const driftMs = (Math.abs(f.driftPpm ?? 0) * (heal - f.at)) / 1e6;
  return heal + Math.abs(f.skewMs ?? 0) + driftMs;
}

/** Observers not held to the bound for a while: paused ones, and ones whose clock is skewed. */
function stalls(faults: readonly ScheduledFault[], endMs: number, detectMs: number): Outage[] {
  const out: Outage[] = [];
  for (const f of faults) {
    if (f.fault === "pause")
      out.push({ node: f.node, kind: "pause", fromMs: f.at, toMs: f.healAt ?? endMs });
    if (f.fault === "clock") {
      out.push({
        node: f.node,
        kind: "pause",
        fromMs: f.at,
        toMs: clockSettleMs(f, endMs) + detectMs,
      });
    }
  }
  return out;
}

/**
 * The summed extra latency of the `delay` faults (they stack) whose delayed
 * messages may still be in flight at `atMs` (to or from any node: a delayed heartbeat from
 * the crashed member to an observer counts wherever the spike was).
 */
function delayGraceMs(faults: readonly ScheduledFault[], atMs: number): number {
  let grace = 0;
  for (const f of faults) {
    if (f.fault !== "delay" || f.at > atMs) continue;
    if ((f.healAt ?? INFINITE) + f.extraLatencyMs < atMs) continue;
    grace += f.extraLatencyMs;
  }
  return grace;
}

/**
 * For relayed evidence: how much later than `crashMs + detectMs` the deadline
 * falls when every partition, link cut, pause or latency spike active between
 * the crash and the deadline pushes the deadline to `detectMs` after its heal
 * (iterated until none moves it further).
 */
function cutGraceMs(
  faults: readonly ScheduledFault[],
  crashMs: number,
  detectMs: number,
  endMs: number,
): number {
  // Paused members relay their backlog of old evidence when they resume, as a healed cut does;
  // under a latency spike relayed evidence is late at every hop, until the spike heals.
  const cuts = faults.filter(
    (f) =>
      f.fault === "partition" || f.fault === "link" || f.fault === "pause" || f.fault === "delay",
  );
  let deadlineMs = crashMs + detectMs;
  for (let moved = true, rounds = 0; moved && rounds <= cuts.length; rounds++) {
    moved = false;
    for (const f of cuts) {
      const healMs = (f.healAt ?? endMs) + (f.fault === "delay" ? f.extraLatencyMs : 0);
      if (f.at > deadlineMs || healMs < crashMs || healMs + detectMs <= deadlineMs) continue;
      deadlineMs = healMs + detectMs;
      moved = true;
    }
  }
  return deadlineMs - crashMs - detectMs;
}

/** When the last disturbing fault healed; Infinity when one never did. Permanent crashes do not disturb the others. */
function calmFrom(view: RunView<unknown, unknown>, a: DetectAssumptions): number {
  let calm = 0;
  for (const f of view.faults) {
    // A forged counter or path (corrupted, replayed) can stay in relayed state for good:
    // such detectors are not Byzantine-tolerant, so their accuracy is not judged after one.
    if (a.relayedEvidence === true && (f.fault === "corrupt" || f.fault === "replay")) {
      return INFINITE;
    }
    switch (f.fault) {
      case "crash":
      case "failstop":
        if (f.healAt !== undefined) calm = Math.max(calm, f.healAt);
        if (a.crashDisturbsAll === true) calm = Math.max(calm, f.at);
        break;
      case "restart":
        calm = Math.max(calm, f.at + (f.downMs ?? 0));
        break;
      case "disk":
        calm = Math.max(calm, f.at);
        break;
      case "clock":
        calm = Math.max(calm, clockSettleMs(f, view.endMs));
        if (f.healAt === undefined) return INFINITE;
        break;
      default:
        if (f.healAt === undefined) return INFINITE;
        calm = Math.max(calm, f.healAt);
    }
  }
  return calm;
}

/**
 * Byzantine replays can bring back a dead member's old messages, and for
 * relayed evidence a corrupted message can forge it: crashes near them are not judged.
 */
function replayWindows(view: RunView<unknown, unknown>, a: DetectAssumptions): Window[] {
  // Where messages carry others' evidence (relayed paths, counters), a corrupted one can forge it.
  const forging = (f: ScheduledFault) =>
    f.fault === "replay" || (a.relayedEvidence === true && f.fault === "corrupt");
  return view.faults
    .filter(forging)
    .map((f) => ({ fromMs: f.at, toMs: (f.healAt ?? view.endMs) + a.replayAfterglowMs }));
}

/**
 * The detection check's view of a finished simulator run: crashes (from the
 * run's lifecycle, each with the grace of any latency spike on the crashed
 * node), stalled observers (paused, or clock-faulted), the calm, and the
 * windows in which replayed messages make detection unverifiable.
 */
export function detectionRunOf(
  view: RunView<unknown, unknown>,
  detectMs: number,
  a: DetectAssumptions = DETECT_ASSUMPTIONS,
): DetectionRun {
  const grace = (fromMs: number) =>
    delayGraceMs(view.faults, fromMs) +
    (a.relayedEvidence === true ? cutGraceMs(view.faults, fromMs, detectMs, view.endMs) : 0);
  const outages: Outage[] = [];
  const openDown = new Map<NodeId, number>();
  for (const e of view.lifecycle) {
    if (e.change === "down") {
      if (!openDown.has(e.node)) openDown.set(e.node, e.t);
      continue;
    }
    const fromMs = openDown.get(e.node);
    if (fromMs === undefined) continue;
    openDown.delete(e.node);
    outages.push({ node: e.node, kind: "crash", fromMs, toMs: e.t, graceMs: grace(fromMs) });
  }
  for (const [node, fromMs] of openDown) {
    outages.push({ node, kind: "crash", fromMs, graceMs: grace(fromMs) });
  }
  outages.push(...stalls(view.faults, view.endMs, detectMs));
  return {
    nodeCount: view.nodeCount,
    endMs: view.endMs,
    events: view.events,
    outages,
    calmFromMs: calmFrom(view, a),
    unverifiable: replayWindows(view, a),
  };
}
