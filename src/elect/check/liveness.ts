import type { NodeId } from "../../core/index.js";
import type { ElectionRun } from "./run.js";

/** What a node thought at one instant: the leader it follows and the epoch, or nothing. */
export type LeaderView = { readonly leader: NodeId; readonly epoch: number } | undefined;

/**
 * Every node's leader view at `atMs` (events at `atMs` included), and whether
 * it was up. A node's view starts empty at each start and follows its
 * `leader` and `leader-lost` events.
 */
export function viewsAt(run: ElectionRun, atMs: number): { up: boolean[]; views: LeaderView[] } {
  const up = new Array<boolean>(run.nodeCount).fill(true);
  const views = new Array<LeaderView>(run.nodeCount).fill(undefined);
  for (const l of run.lifecycle) {
    if (l.t > atMs) break;
    up[l.node] = l.change === "up";
    views[l.node] = undefined;
  }
  const lastStart = new Array<number>(run.nodeCount).fill(Number.NEGATIVE_INFINITY);
  for (const l of run.lifecycle) if (l.t <= atMs) lastStart[l.node] = l.t;
  for (const e of run.events) {
    if (e.t > atMs) break;
    if (e.t < (lastStart[e.node] ?? 0)) continue;
    if (e.event.type === "leader") {
      const { leader, epoch } = e.event;
      if (typeof leader === "number" && typeof epoch === "number")
        views[e.node] = { leader, epoch };
    } else if (e.event.type === "leader-lost") {
      views[e.node] = undefined;
    }
  }
  return { up, views };
}

const ELECTION_TYPES = new Set(["leader", "leader-lost", "believe-leader", "step-down"]);

/**
 * Liveness of an election after the last fault: when `calmMs + boundMs` falls
 * within the run, every node up at that moment follows one and the same
 * leader in one epoch, that leader is up and follows itself, and no node
 * changes its view from then to the end of the run. Returns one sentence per
 * violation; none when the run ended too early to judge.
 */
export function livenessViolations(run: ElectionRun, calmMs: number, boundMs: number): string[] {
  const atMs = calmMs + boundMs;
  if (!(atMs <= run.endMs)) return [];
  const { up, views } = viewsAt(run, atMs);
  const out: string[] = [];
  const live = up.flatMap((u, id) => (u ? [id] : []));
  const first = live.map((id) => views[id]).find((v) => v !== undefined);
  for (const id of live) {
    const v = views[id];
    if (v === undefined) {
      out.push(
        `n${id} knew no leader at ${atMs} ms, ${boundMs} ms after the last fault (${calmMs} ms)`,
      );
    } else if (first !== undefined && (v.leader !== first.leader || v.epoch !== first.epoch)) {
      out.push(
        `n${id} followed n${v.leader} (epoch ${v.epoch}) at ${atMs} ms while others followed n${first.leader} (epoch ${first.epoch}), ${boundMs} ms after the last fault (${calmMs} ms)`,
      );
    }
  }
  if (first !== undefined && out.length === 0) {
    if (up[first.leader] !== true) {
      out.push(`at ${atMs} ms every live node followed n${first.leader}, which was down`);
    }
  }
  if (out.length > 0) return out;
  const later = run.events.find((e) => e.t > atMs && ELECTION_TYPES.has(e.event.type));
  if (later !== undefined) {
    out.push(
      `n${later.node} changed its leader view (${JSON.stringify(later.event)}) at ${later.t} ms, after the bound (${atMs} ms) with no fault since ${calmMs} ms`,
    );
  }
  return out;
}
