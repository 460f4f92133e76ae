import type { NodeId } from "../core/index.js";
import type { DetectionRun, Outage } from "../detect/check/detection.js";
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
  /**
   * How many message hops detection must wait for after the crash (or after
   * the heal it is judged from), each of which a latency spike active then
   * delays: 0 for heartbeats, ping and SWIM's probes (the silence itself
   * decides; the crashed member's last messages in flight are covered
   * anyway); FUSE's notification takes two. Default 0.
   */
  readonly delayedHops?: number;
  /**
   * For detectors that learn from what they sample (φ's window of
   * inter-arrival times): the detection bound once the window may hold a
   * sample stretched by a latency spike of `spikeMs` before the crash. Used
   * when larger than the stated bound.
   */
  readonly spikeDetectMs?: (spikeMs: number) => number;
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
 * The latest a message sent (or replayed) at some time in [fromMs, toMs] can
 * arrive, before the latency bound: max of t + extra(t), where a message's
 * extra latency is the larger of its two ends' stacked `delay` faults active
 * when it is sent. extra(t) is constant between the faults' starts and heals,
 * so each such piece is judged at its right end.
 */
function latestArrivalMs(
  faults: readonly ScheduledFault[],
  nodeCount: number,
  fromMs: number,
  toMs: number,
): number {
  const delays = faults.filter(
    (f): f is Extract<ScheduledFault, { fault: "delay" }> => f.fault === "delay",
  );
  const cuts = new Set<number>([fromMs]);
  for (const f of delays) {
    for (const t of [f.at, f.healAt ?? INFINITE]) if (t > fromMs && t < toMs) cuts.add(t);
  }
  const starts = [...cuts].sort((x, y) => x - y);
  let latest = toMs;
  const stacked = new Float64Array(nodeCount);
  for (let i = 0; i < starts.length; i++) {
    const at = starts[i]!;
    const end = starts[i + 1] ?? toMs;
    stacked.fill(0);
    for (const f of delays) {
      if (f.at > at || (f.healAt ?? INFINITE) <= at) continue;
      for (const node of f.nodes ?? stacked.keys())
        stacked[node] = stacked[node]! + f.extraLatencyMs;
    }
    let most = 0;
    for (const ms of stacked) most = Math.max(most, ms);
    latest = Math.max(latest, end + most);
  }
  return latest;
}

/** The largest stacked `delay` of any one node at some time in [fromMs, toMs]: what one hop sent then may carry. */
function spikeMs(
  faults: readonly ScheduledFault[],
  nodeCount: number,
  fromMs: number,
  toMs: number,
): number {
  const stacked = new Float64Array(nodeCount);
  for (const f of faults) {
    if (f.fault !== "delay" || f.at > toMs || (f.healAt ?? INFINITE) <= fromMs) continue;
    for (const node of f.nodes ?? stacked.keys()) stacked[node] = stacked[node]! + f.extraLatencyMs;
  }
  let most = 0;
  for (const ms of stacked) most = Math.max(most, ms);
  return most;
}

/**
 * How much later than `crashMs + detectMs` the deadline falls when it starts
 * `startGraceMs` later and every fault that `until` names (with the time
 * after which it can no longer hold detection back) pushes it to `detectMs`
 * after that time, if the fault was active between the crash and the
 * deadline (iterated until none moves it further).
 */
function healGraceMs(
  faults: readonly ScheduledFault[],
  crashMs: number,
  detectMs: number,
  startGraceMs: number,
  until: (f: ScheduledFault) => number | undefined,
  hopsGraceMs: (fromMs: number, toMs: number) => number,
): number {
  const holding = faults
    .map((f) => ({ f, untilMs: until(f) }))
    .filter((h): h is { f: ScheduledFault; untilMs: number } => h.untilMs !== undefined);
  const judgedFrom = (startMs: number, extraMs: number) => {
    const endMs = startMs + detectMs + extraMs;
    return endMs + hopsGraceMs(startMs, endMs);
  };
  let deadlineMs = judgedFrom(crashMs, startGraceMs);
  for (let moved = true, rounds = 0; moved && rounds <= holding.length; rounds++) {
    moved = false;
    for (const { f, untilMs } of holding) {
      if (f.at > deadlineMs || untilMs < crashMs) continue;
      const later = judgedFrom(untilMs, 0);
      if (later <= deadlineMs) continue;
      deadlineMs = later;
      moved = true;
    }
  }
  return deadlineMs - crashMs - detectMs;
}

/**
 * For relayed evidence: every partition, link cut, pause or latency spike
 * active between the crash and the deadline holds detection back until its
 * heal. Across a healed cut, fresher pre-crash evidence (a counter that kept
 * growing on the far side until the crash) legitimately revives the member;
 * a paused member relays its backlog of old evidence when it resumes; under a
 * latency spike relayed evidence is late at every hop, until the spike heals.
 */
function cutUntil(endMs: number): (f: ScheduledFault) => number | undefined {
  return (f) => {
    if (f.fault === "delay") return (f.healAt ?? endMs) + f.extraLatencyMs;
    if (f.fault === "partition" || f.fault === "link" || f.fault === "pause")
      return f.healAt ?? endMs;
    return undefined;
  };
}

/**
 * Replayed messages (and, where messages carry others' evidence, corrupted
 * ones) hold detection back until the fault heals and its last copies land.
 * A replayed heartbeat may be one the observer never got the first time
 * (lost), which no detector can tell from a late one; a corrupted relayed
 * counter can be forged upward, and the member then looks alive until
 * T_fail after the last forged copy. Once the fault heals no more arrive, so
 * the crash is judged from then, never left unjudged.
 */
function forgeUntil(
  view: RunView<unknown, unknown>,
  a: DetectAssumptions,
): (f: ScheduledFault) => number | undefined {
  return (f) => {
    const forging = f.fault === "replay" || (a.relayedEvidence === true && f.fault === "corrupt");
    if (!forging) return undefined;
    // Its last copies travel like any message: the latency bound plus any spike of their time.
    const lastMs = latestArrivalMs(view.faults, view.nodeCount, f.at, f.healAt ?? view.endMs);
    return lastMs + a.latencyBoundMs + a.replayAfterglowMs;
  };
}

/** When the last disturbing fault healed; Infinity when one never did. Permanent crashes do not disturb the others. */
function calmFrom(view: RunView<unknown, unknown>, a: DetectAssumptions): number {
  let calm = 0;
  for (const f of view.faults) {
    // A corrupted message can forge a live member's relayed counter far upward; its own
    // counter then seems to stall until it passes the forged one (for good, in practice),
    // and every member suspects it. These detectors are not Byzantine-tolerant, so their
    // accuracy is not judged after a corruption. A replay cannot do this: it carries old
    // counters, which the max-merge ignores, so it disturbs only until it heals.
    if (a.relayedEvidence === true && f.fault === "corrupt") return INFINITE;
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
 * The detection check's view of a finished simulator run: crashes (from the
 * run's lifecycle, each with the grace of latency spikes, of replays — and for
 * relayed evidence of cuts, pauses and corruption — around it), stalled
 * observers (paused, or clock-faulted) and the calm. Every crash is judged.
 */
export function detectionRunOf(
  view: RunView<unknown, unknown>,
  detectMs: number,
  a: DetectAssumptions = DETECT_ASSUMPTIONS,
): DetectionRun {
  const forge = forgeUntil(view, a);
  const cut = cutUntil(view.endMs);
  const until =
    a.relayedEvidence === true
      ? (f: ScheduledFault) => {
          const c = cut(f);
          const g = forge(f);
          return c === undefined ? g : g === undefined ? c : Math.max(c, g);
        }
      : forge;
  const hops = a.delayedHops ?? 0;
  const learned = (fromMs: number) => {
    const spike = spikeMs(view.faults, view.nodeCount, 0, fromMs);
    if (a.spikeDetectMs === undefined || spike === 0) return 0;
    return Math.max(0, a.spikeDetectMs(spike) - detectMs);
  };
  const grace = (fromMs: number) =>
    learned(fromMs) +
    healGraceMs(
      view.faults,
      fromMs,
      detectMs,
      // One late leg: the crashed member's last heartbeat (or its answer to a probe,
      // which trusts it again) may arrive this much after the crash.
      latestArrivalMs(view.faults, view.nodeCount, 0, fromMs) - fromMs,
      until,
      (startMs, endMs) => hops * spikeMs(view.faults, view.nodeCount, startMs, endMs),
    );
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
  };
}
