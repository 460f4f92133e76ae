import type { NodeId, ProtocolEvent } from "../../core/index.js";
import type { ElectionRun } from "./run.js";

/** One stretch of virtual time in which a node believed it led `epoch`. */
export interface Reign {
  readonly node: NodeId;
  readonly epoch: number;
  readonly fromMs: number;
  /** When it stepped down, crashed, or the run ended. */
  readonly toMs: number;
}

/** Two nodes that both believed themselves leader over the same stretch of virtual time. */
export interface SplitBrainInterval {
  readonly nodes: readonly [NodeId, NodeId];
  readonly epochs: readonly [number, number];
  readonly fromMs: number;
  readonly toMs: number;
  /** True when both led the same epoch: a fence cannot tell their requests apart. */
  readonly sameEpoch: boolean;
}

/** The split-brain report of a run, as scenarios print it under `splitBrain`. */
export interface SplitBrainReport {
  readonly intervals: readonly SplitBrainInterval[];
  /** How many of the intervals were within one epoch. */
  readonly sameEpochIntervals: number;
  /** Virtual ms during which two or more nodes believed they led (union of the intervals). */
  readonly splitBrainMs: number;
}

/**
 * Every node's reigns, from its `believe-leader` and `step-down` events and
 * its downs (a crash ends a belief). A belief still held at the end of the run
 * ends at `endMs`.
 */
export function reignsOf(run: ElectionRun): Reign[] {
  const open = new Map<NodeId, { epoch: number; fromMs: number }>();
  const reigns: Reign[] = [];
  const close = (node: NodeId, toMs: number) => {
    const o = open.get(node);
    if (o === undefined) return;
    reigns.push({ node, epoch: o.epoch, fromMs: o.fromMs, toMs });
    open.delete(node);
  };
  const changes = [
    ...run.events.map((e, i) => ({ t: e.t, order: i * 2, node: e.node, event: e.event })),
    ...run.lifecycle
      .filter((l) => l.change === "down")
      .map((l) => ({ t: l.t, order: -1, node: l.node, event: { type: "down" } as ProtocolEvent })),
  ].sort((a, b) => a.t - b.t || a.order - b.order);
  for (const c of changes) {
    if (c.event.type === "believe-leader" && typeof c.event.epoch === "number") {
      close(c.node, c.t);
      open.set(c.node, { epoch: c.event.epoch, fromMs: c.t });
    } else if (c.event.type === "step-down" || c.event.type === "down") {
      close(c.node, c.t);
    }
  }
  for (const node of [...open.keys()]) close(node, run.endMs);
  return reigns.sort((a, b) => a.fromMs - b.fromMs || a.node - b.node);
}

/**
 * The split-brain detector: every pair of reigns of different nodes that
 * overlap in virtual time for a positive length (a hand-over at one instant
 * is not a split brain), and the total time two or more leaders coexisted.
 */
export function splitBrainOf(run: ElectionRun): SplitBrainReport {
  const reigns = reignsOf(run);
  const intervals: SplitBrainInterval[] = [];
  for (let i = 0; i < reigns.length; i++) {
    const a = reigns[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < reigns.length; j++) {
      const b = reigns[j];
      if (b === undefined || b.fromMs >= a.toMs) break;
      if (b.node === a.node) continue;
      const toMs = Math.min(a.toMs, b.toMs);
      if (toMs <= b.fromMs) continue;
      intervals.push({
        nodes: [a.node, b.node],
        epochs: [a.epoch, b.epoch],
        fromMs: b.fromMs,
        toMs,
        sameEpoch: a.epoch === b.epoch,
      });
    }
  }
  return {
    intervals,
    sameEpochIntervals: intervals.filter((x) => x.sameEpoch).length,
    splitBrainMs: unionMs(intervals),
  };
}

function unionMs(intervals: readonly SplitBrainInterval[]): number {
  const sorted = [...intervals].sort((a, b) => a.fromMs - b.fromMs);
  let total = 0;
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const x of sorted) {
    if (x.fromMs > to) {
      if (to > from) total += to - from;
      from = x.fromMs;
      to = x.toMs;
    } else {
      to = Math.max(to, x.toMs);
    }
  }
  if (to > from) total += to - from;
  return total;
}
