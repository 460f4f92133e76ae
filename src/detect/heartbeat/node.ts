import type { Env, NodeId } from "../../core/index.js";
import { assert, assertNever } from "../../core/index.js";
import { EarliestTimer } from "../earliest-timer.js";
import type { DetectorNode, MemberView } from "../types.js";
import type { HeartbeatConfig } from "./config.js";
import type { HeartbeatMsg, HeartbeatTimer } from "./messages.js";

/**
 * All-to-all heartbeating with a fixed deadline (Akka's deadline failure
 * detector). Every `intervalMs` a node sends `heartbeat` to each peer; a peer
 * silent for `deadlineMs` is suspected (event `suspect`), and a suspected peer
 * heard from again is trusted again (event `trust`). After each change it emits
 * `{type: "view", suspects}` with the full list, for live status displays.
 *
 * Guarantees: a peer is never suspected before `deadlineMs` of silence; a
 * silent peer is suspected at most ~1 ms after `deadlineMs` of silence (one
 * `check` timer is kept at the earliest expiry); a fail-stop notice suspects at once.
 */
export class HeartbeatNode implements DetectorNode<HeartbeatMsg, HeartbeatTimer> {
  private env!: Env<HeartbeatMsg, HeartbeatTimer>;
  private peers: NodeId[] = [];
  /** Indexed by NodeId: when we last heard from the peer (ms), NaN for non-peers. */
  private lastHeardMs = new Float64Array(0);
  /** Indexed by NodeId: 1 when the peer is suspected. */
  private suspected = new Uint8Array(0);
  private seq = 0;
  /** When the pending `check` timer fires, or Infinity when none is pending. */
  private readonly checkTimer = new EarliestTimer<HeartbeatTimer>("check");

  constructor(private readonly config: HeartbeatConfig) {}

  start(env: Env<HeartbeatMsg, HeartbeatTimer>, _recovered: boolean): void {
    this.env = env;
    this.peers = env.cluster.filter((id) => id !== env.self);
    assert(
      this.peers.length <= this.config.peerCountMax,
      () => `heartbeat: ${this.peers.length} peers exceed peerCountMax ${this.config.peerCountMax}`,
    );
    const size = env.cluster.reduce((m, id) => Math.max(m, id), env.self) + 1;
    this.lastHeardMs = new Float64Array(size).fill(Number.NaN);
    this.suspected = new Uint8Array(size);
    // A fresh start gives every peer a full deadline before it can be suspected.
    const now = env.now();
    for (const peer of this.peers) this.lastHeardMs[peer] = now;
    this.tick();
    this.checkTimer.arm(this.env, now + this.config.deadlineMs);
  }

  onMessage(from: NodeId, msg: HeartbeatMsg): void {
    switch (msg.type) {
      case "heartbeat":
        this.heard(from);
        return;
      default:
        assertNever(msg.type, "heartbeat message type");
    }
  }

  onTimer(tag: HeartbeatTimer): void {
    if (tag === "tick") this.tick();
    else this.check();
  }

  onNotice(notice: { readonly type: "peerStopped"; readonly peer: NodeId }): void {
    if (this.isPeer(notice.peer) && this.suspected[notice.peer] === 0) this.suspect(notice.peer);
  }

  suspects(): NodeId[] {
    return this.peers.filter((p) => this.suspected[p] === 1);
  }

  view(): MemberView[] {
    return this.peers.map((id) => ({
      id,
      state: this.suspected[id] === 1 ? "suspect" : "alive",
      incarnation: 0,
    }));
  }

  /** Milliseconds since `peer` was last heard from, as of now. */
  silenceMs(peer: NodeId): number {
    assert(this.isPeer(peer), () => `heartbeat: n${peer} is not a peer of n${this.env.self}`);
    return this.env.now() - (this.lastHeardMs[peer] ?? 0);
  }

  private isPeer(id: NodeId): boolean {
    return id < this.lastHeardMs.length && !Number.isNaN(this.lastHeardMs[id] ?? Number.NaN);
  }

  private heard(from: NodeId): void {
    if (!this.isPeer(from) || from === this.env.self) {
      this.env.log.warn("heartbeat: message from a node outside the cluster", { from });
      return;
    }
    const now = this.env.now();
    this.lastHeardMs[from] = now;
    if (this.suspected[from] === 1) {
      this.suspected[from] = 0;
      this.env.emit({ type: "trust", peer: from });
      this.emitView();
      this.checkTimer.arm(this.env, now + this.config.deadlineMs);
    }
  }

  private tick(): void {
    this.seq += 1;
    const msg: HeartbeatMsg = { type: "heartbeat", seq: this.seq };
    for (const peer of this.peers) this.env.send(peer, msg);
    this.env.metrics.inc("heartbeat.sent", this.peers.length);
    this.env.setTimer(this.config.intervalMs, "tick");
  }

  /** Suspects every trusted peer whose deadline passed, then re-arms at the earliest remaining one. */
  private check(): void {
    this.checkTimer.fired();
    const now = this.env.now();
    let nextMs = Number.POSITIVE_INFINITY;
    for (const peer of this.peers) {
      if (this.suspected[peer] === 1) continue;
      const expiryMs = (this.lastHeardMs[peer] ?? now) + this.config.deadlineMs;
      if (expiryMs <= now) this.suspect(peer);
      else if (expiryMs < nextMs) nextMs = expiryMs;
    }
    if (nextMs !== Number.POSITIVE_INFINITY) this.checkTimer.arm(this.env, nextMs);
  }

  private suspect(peer: NodeId): void {
    assert(this.suspected[peer] === 0, () => `heartbeat: n${peer} suspected twice`);
    this.suspected[peer] = 1;
    this.env.emit({ type: "suspect", peer });
    this.env.metrics.inc("heartbeat.suspicions");
    this.emitView();
  }

  private emitView(): void {
    this.env.emit({ type: "view", suspects: this.suspects() });
  }
}
