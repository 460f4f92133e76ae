import type { Env, HostNotice, NodeId } from "../../core/index.js";
import { assert, assertNever } from "../../core/index.js";
import type { DetectorNode, MemberView } from "../types.js";
import type { PingConfig } from "./config.js";
import type { PingMsg, PingTimer } from "./messages.js";

interface Peer {
  /** The latest round this peer answered (0: none). */
  answeredRound: number;
  suspected: boolean;
}

/**
 * Ping failure detection: every `intervalMs` a round of `ping`s goes to every
 * peer; a peer that has answered no probe of that round (or a later one) when
 * the round's `probeTimeoutMs` runs out is suspected; any answer trusts it again.
 *
 * Guarantees: a peer crashed at t is suspected by t + intervalMs +
 * probeTimeoutMs (+1 ms); a peer is suspected only after one of its probes
 * went unanswered for a full `probeTimeoutMs`.
 */
export class PingNode implements DetectorNode<PingMsg, PingTimer> {
  private env!: Env<PingMsg, PingTimer>;
  private readonly peers = new Map<NodeId, Peer>();
  private round = 0;

  constructor(private readonly config: PingConfig) {}

  start(env: Env<PingMsg, PingTimer>, _recovered: boolean): void {
    this.env = env;
    for (const id of env.cluster) {
      if (id !== env.self) this.peers.set(id, { answeredRound: 0, suspected: false });
    }
    assert(
      this.peers.size <= this.config.peerCountMax,
      () => `ping: ${this.peers.size} peers exceed peerCountMax`,
    );
    this.startRound();
  }

  onMessage(from: NodeId, msg: PingMsg): void {
    switch (msg.type) {
      case "ping":
        this.env.send(from, { type: "pingOk", inReplyTo: msg.msgId });
        return;
      case "pingOk":
        this.answered(from, msg.inReplyTo);
        return;
      default:
        assertNever(msg, "ping message");
    }
  }

  onTimer(tag: PingTimer): void {
    switch (tag.kind) {
      case "round":
        this.startRound();
        return;
      case "timeout":
        this.judge(tag.msgId);
        return;
      default:
        assertNever(tag, "ping timer");
    }
  }

  onNotice(notice: HostNotice): void {
    const peer = this.peers.get(notice.peer);
    if (peer !== undefined && !peer.suspected) this.setSuspected(notice.peer, peer, true);
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

  private startRound(): void {
    this.round += 1;
    const msg: PingMsg = { type: "ping", msgId: this.round };
    for (const id of this.peers.keys()) this.env.send(id, msg);
    this.env.setTimer(this.config.probeTimeoutMs, { kind: "timeout", msgId: this.round });
    this.env.setTimer(this.config.intervalMs, { kind: "round" });
  }

  private answered(from: NodeId, round: number): void {
    const peer = this.peers.get(from);
    // Answers name rounds we sent in this life only; anything else is stale or forged.
    if (peer === undefined || round > this.round || round < 1) return;
    peer.answeredRound = Math.max(peer.answeredRound, round);
    if (peer.suspected) this.setSuspected(from, peer, false);
  }

  private judge(round: number): void {
    for (const [id, peer] of this.peers) {
      if (!peer.suspected && peer.answeredRound < round) this.setSuspected(id, peer, true);
    }
  }

  private setSuspected(id: NodeId, peer: Peer, suspected: boolean): void {
    peer.suspected = suspected;
    this.env.emit({ type: suspected ? "suspect" : "trust", peer: id });
  }
}
