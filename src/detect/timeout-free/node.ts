import type { Env, HostNotice, NodeId } from "../../core/index.js";
import { assert, assertNever } from "../../core/index.js";
import type { DetectorNode, MemberView } from "../types.js";
import type { HbConfig } from "./config.js";
import { StallDecision } from "./decision.js";
import type { HbMsg, HbTimer } from "./messages.js";

/**
 * The timeout-free heartbeat failure detector HB (Aguilera, Chen, Toueg 1997,
 * §4): each node counts, per neighbour, the heartbeats that reached it, and
 * relays each heartbeat along paths (appending itself, to neighbours not yet
 * on the path), incrementing the counter of every node on the path. HB
 * itself never times out or suspects: a crashed neighbour's counter stops
 * growing, a correct reachable one's grows without bound. `counters()` exposes
 * them; this node also runs the application-side `StallDecision` helper and
 * emits `suspect` / `trust` from it, so it fits the shared detector contract.
 *
 * Bounded where the paper floods: a path holds at most `pathLengthMax` nodes.
 */
export class TimeoutFreeNode implements DetectorNode<HbMsg, HbTimer> {
  private env!: Env<HbMsg, HbTimer>;
  private readonly counters_ = new Map<NodeId, number>();
  private readonly suspected = new Set<NodeId>();
  private decision!: StallDecision;

  constructor(private readonly config: HbConfig) {}

  start(env: Env<HbMsg, HbTimer>, _recovered: boolean): void {
    this.env = env;
    for (const id of env.cluster) if (id !== env.self) this.counters_.set(id, 0);
    assert(
      this.counters_.size <= this.config.peerCountMax,
      () => `hb: too many peers (${this.counters_.size})`,
    );
    this.decision = new StallDecision(this.config.stalledLooksMax);
    this.beat();
    env.setTimer(this.config.decideIntervalMs, "decide");
  }

  onMessage(from: NodeId, msg: HbMsg): void {
    switch (msg.type) {
      case "heartbeat":
        this.onHeartbeat(from, msg.path);
        return;
      default:
        assertNever(msg.type, "hb message type");
    }
  }

  onTimer(tag: HbTimer): void {
    if (tag === "beat") this.beat();
    else this.decide();
  }

  onNotice(notice: HostNotice): void {
    if (this.counters_.has(notice.peer)) this.setSuspected(notice.peer, true);
  }

  /** HB's output: the heartbeat counter of every neighbour, as this node has counted them. */
  counters(): ReadonlyMap<NodeId, number> {
    return this.counters_;
  }

  suspects(): NodeId[] {
    return [...this.suspected].sort((a, b) => a - b);
  }

  view(): MemberView[] {
    return [...this.counters_.keys()]
      .sort((a, b) => a - b)
      .map((id) => ({
        id,
        state: this.suspected.has(id) ? ("suspect" as const) : ("alive" as const),
        incarnation: 0,
      }));
  }

  private beat(): void {
    const msg: HbMsg = { type: "heartbeat", path: [this.env.self] };
    for (const q of this.counters_.keys()) this.env.send(q, msg);
    this.env.setTimer(this.config.beatIntervalMs, "beat");
  }

  private onHeartbeat(from: NodeId, path: readonly NodeId[]): void {
    // The last hop must be the sender, and we must not already be on the path.
    if (path.at(-1) !== from || path.includes(this.env.self)) return;
    const seen = new Set<NodeId>();
    for (const q of path) {
      if (seen.has(q) || !this.counters_.has(q)) continue;
      seen.add(q);
      this.counters_.set(q, (this.counters_.get(q) ?? 0) + 1);
    }
    if (path.length + 1 > this.config.pathLengthMax) return;
    const next: HbMsg = { type: "heartbeat", path: [...path, this.env.self] };
    for (const q of this.counters_.keys()) if (!path.includes(q)) this.env.send(q, next);
  }

  /** The application's look: the stall helper suspects neighbours whose counters stopped. */
  private decide(): void {
    for (const [q, counter] of this.counters_) {
      const stalled = this.decision.look(q, counter);
      if (stalled !== this.suspected.has(q)) this.setSuspected(q, stalled);
    }
    this.env.setTimer(this.config.decideIntervalMs, "decide");
  }

  private setSuspected(q: NodeId, suspected: boolean): void {
    if (suspected === this.suspected.has(q)) return;
    if (suspected) this.suspected.add(q);
    else this.suspected.delete(q);
    this.env.emit({ type: suspected ? "suspect" : "trust", peer: q });
  }
}
