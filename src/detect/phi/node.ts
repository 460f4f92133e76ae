import type { Env, HostNotice, NodeId } from "../../core/index.js";
import { assert, assertNever } from "../../core/index.js";
import { EarliestTimer } from "../earliest-timer.js";
import type { HeartbeatMsg, HeartbeatTimer } from "../heartbeat/messages.js";
import type { DetectorNode, MemberView } from "../types.js";
import type { PhiConfig } from "./config.js";
import {
  crossingExponentialMs,
  crossingNormalMs,
  crossingY,
  phiExponential,
  phiNormal,
} from "./phi.js";
import { ArrivalWindow } from "./window.js";

interface Peer {
  readonly window: ArrivalWindow;
  lastArrivalMs: number;
  /** False until the first heartbeat: the time from our start to it is no inter-arrival sample. */
  hasArrived: boolean;
  suspected: boolean;
  /** When φ reaches the threshold if nothing more arrives. */
  expiryMs: number;
}

/**
 * The φ accrual failure detector (Hayashibara, Défago, Yared, Katayama 2004)
 * over all-to-all heartbeats. Instead of a yes/no verdict it keeps, per peer,
 * φ = −log10 P(a heartbeat arrives later than now), from a sliding window of
 * inter-arrival times; `phi(peer)` can be read at any moment. A peer whose φ
 * reaches `threshold` is suspected (event `suspect`), and trusted again on
 * its next heartbeat (event `trust`).
 *
 * Guarantees: a peer is suspected no earlier than the moment its φ reaches the
 * threshold and no later than 1 ms after it (one `check` timer is kept at the
 * earliest crossing); φ is monotone in the silence since the last heartbeat.
 */
export class PhiNode implements DetectorNode<HeartbeatMsg, HeartbeatTimer> {
  private env!: Env<HeartbeatMsg, HeartbeatTimer>;
  private readonly peers = new Map<NodeId, Peer>();
  private seq = 0;
  private readonly checkTimer = new EarliestTimer<HeartbeatTimer>("check");

  /** The standardized silence at which φ reaches the threshold (normal distribution). */
  private readonly thresholdY: number;

  constructor(private readonly config: PhiConfig) {
    this.thresholdY = crossingY(config.threshold);
  }

  start(env: Env<HeartbeatMsg, HeartbeatTimer>, _recovered: boolean): void {
    this.env = env;
    const ids = env.cluster.filter((id) => id !== env.self);
    assert(
      ids.length <= this.config.peerCountMax,
      () => `phi: ${ids.length} peers exceed peerCountMax`,
    );
    const now = env.now();
    for (const id of ids) {
      const peer = {
        window: this.bootstrapWindow(),
        lastArrivalMs: now,
        hasArrived: false,
        suspected: false,
        expiryMs: 0,
      };
      peer.expiryMs = now + this.crossingMs(peer.window);
      this.peers.set(id, peer);
      this.checkTimer.arm(this.env, peer.expiryMs);
    }
    this.tick();
  }

  onMessage(from: NodeId, msg: HeartbeatMsg): void {
    switch (msg.type) {
      case "heartbeat":
        this.heard(from);
        return;
      default:
        assertNever(msg.type, "phi message type");
    }
  }

  onTimer(tag: HeartbeatTimer): void {
    if (tag === "tick") this.tick();
    else this.check();
  }

  onNotice(notice: HostNotice): void {
    const peer = this.peers.get(notice.peer);
    if (peer !== undefined && !peer.suspected) this.suspect(notice.peer, peer);
  }

  /** φ of `peer` now: 0 right after a heartbeat, growing with silence. */
  phi(peer: NodeId): number {
    const p = this.peers.get(peer);
    assert(p !== undefined, () => `phi: n${peer} is not a peer of n${this.env.self}`);
    const elapsedMs = this.env.now() - p.lastArrivalMs;
    if (this.config.distribution === "exponential")
      return phiExponential(elapsedMs, p.window.mean());
    const { meanMs, sdMs } = this.normalParams(p.window);
    return phiNormal(elapsedMs, meanMs, sdMs);
  }

  /**
   * The silence (ms after `peer`'s last heartbeat) at which φ reaches the
   * threshold, from the window as it is now: φ's deadline for that peer,
   * which moves with the samples, where a fixed-deadline detector's never does.
   */
  suspectAfterMs(peer: NodeId): number {
    const p = this.peers.get(peer);
    assert(p !== undefined, () => `phi: n${peer} is not a peer of n${this.env.self}`);
    return this.crossingMs(p.window);
  }

  suspects(): NodeId[] {
    return [...this.peers.entries()]
      .filter(([, p]) => p.suspected)
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  view(): MemberView[] {
    return [...this.peers.entries()]
      .map(([id, p]) => ({
        id,
        state: p.suspected ? ("suspect" as const) : ("alive" as const),
        incarnation: 0,
      }))
      .sort((a, b) => a.id - b.id);
  }

  /** Akka's bootstrap: two samples at mean ± mean/4 of the first estimate. */
  private bootstrapWindow(): ArrivalWindow {
    const w = new ArrivalWindow(this.config.sampleCountMax);
    const estimate = this.config.firstEstimateMs;
    w.add(estimate - estimate / 4);
    w.add(estimate + estimate / 4);
    return w;
  }

  private normalParams(w: ArrivalWindow): { meanMs: number; sdMs: number } {
    return {
      meanMs: w.mean() + this.config.acceptablePauseMs,
      sdMs: Math.max(w.stdDeviation(), this.config.minStdDeviationMs),
    };
  }

  private crossingMs(w: ArrivalWindow): number {
    const t = this.config.threshold;
    if (this.config.distribution === "exponential") return crossingExponentialMs(t, w.mean());
    const { meanMs, sdMs } = this.normalParams(w);
    return crossingNormalMs(t, meanMs, sdMs, this.thresholdY);
  }

  private heard(from: NodeId): void {
    const peer = this.peers.get(from);
    if (peer === undefined) {
      this.env.log.warn("phi: heartbeat from a node outside the cluster", { from });
      return;
    }
    const now = this.env.now();
    const intervalMs = now - peer.lastArrivalMs;
    if (peer.hasArrived && intervalMs <= this.config.sampleMsMax) peer.window.add(intervalMs);
    peer.hasArrived = true;
    peer.lastArrivalMs = now;
    peer.expiryMs = now + this.crossingMs(peer.window);
    if (peer.suspected) {
      peer.suspected = false;
      this.env.emit({ type: "trust", peer: from });
      this.emitView();
    }
    this.checkTimer.arm(this.env, peer.expiryMs);
  }

  private tick(): void {
    this.seq += 1;
    const msg: HeartbeatMsg = { type: "heartbeat", seq: this.seq };
    for (const id of this.peers.keys()) this.env.send(id, msg);
    this.env.setTimer(this.config.intervalMs, "tick");
  }

  private check(): void {
    this.checkTimer.fired();
    const now = this.env.now();
    let nextMs = Number.POSITIVE_INFINITY;
    for (const [id, peer] of this.peers) {
      if (peer.suspected) continue;
      if (peer.expiryMs <= now) this.suspect(id, peer);
      else nextMs = Math.min(nextMs, peer.expiryMs);
    }
    if (nextMs !== Number.POSITIVE_INFINITY) this.checkTimer.arm(this.env, nextMs);
  }

  private suspect(id: NodeId, peer: Peer): void {
    assert(!peer.suspected, () => `phi: n${id} suspected twice`);
    peer.suspected = true;
    this.env.emit({ type: "suspect", peer: id });
    this.emitView();
  }

  private emitView(): void {
    this.env.emit({ type: "view", suspects: this.suspects() });
  }
}
