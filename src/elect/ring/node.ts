import type { NodeId, TimerId } from "../../core/index.js";
import { assertNever } from "../../core/index.js";
import { ElectionBase } from "../base.js";
import type { RingConfig } from "./config.js";
import type { RingElectMsg, RingTimer } from "./messages.js";

/**
 * The ring election (Chang & Roberts 1979), in the variant that skips
 * unreachable successors and collects the live set: the ring is the ids in
 * ascending order; an election message goes to the next successor the
 * detector trusts, each member adding its id, until it returns to its
 * initiator, which names the highest id collected the leader in a fresh epoch
 * and sends `ring-leader` round. A member that already forwarded a higher
 * initiator's election swallows a lower one (Chang & Roberts' extinction), so
 * concurrent elections cost one full round.
 *
 * A member starts an election when it starts, when it suspects its leader,
 * when a round it took part in does not end within `roundTimeoutMs`, when
 * it has no leader, or when it hears a live leader of an epoch older than
 * its own (a healed partition). A leader starts one when the detector trusts
 * a member again (a return or a heal), and sends its announcement round
 * every `announceIntervalMs`.
 *
 * Guarantees: with a live, connected cluster and no faults for long enough,
 * every member follows the highest live id in one epoch; a member's epochs
 * never decrease.
 */
export class RingNode extends ElectionBase<RingElectMsg, RingTimer> {
  /** The highest initiator whose election this member forwarded in the current round, or -1. */
  private participating = -1;
  private roundTimer: TimerId | undefined;

  constructor(private readonly config: RingConfig) {
    super(config.detector);
  }

  protected onStart(_recovered: boolean): void {
    this.env.setTimer(this.config.announceIntervalMs, "announce");
    this.startElection();
  }

  protected onElectionMessage(_from: NodeId, msg: RingElectMsg): void {
    this.seeEpoch(msg.epoch);
    switch (msg.type) {
      case "ring-elect":
        this.onElect(msg);
        return;
      case "ring-leader":
        this.onLeader(msg);
        return;
      default:
        assertNever(msg);
    }
  }

  private onElect(msg: Extract<RingElectMsg, { type: "ring-elect" }>): void {
    const self = this.env.self;
    if (msg.live.some((id) => !this.env.cluster.includes(id))) {
      this.env.log.warn("ring: election names a node outside the cluster; dropped", { msg });
      return;
    }
    if (msg.initiator === self || msg.live.includes(self)) {
      // Round complete (or its initiator is gone and it came back to us): name the winner.
      this.conclude([...msg.live]);
      return;
    }
    if (msg.initiator < this.participating) return; // extinction
    this.participating = msg.initiator;
    this.armRound();
    const next = this.successor();
    if (next === undefined) {
      this.conclude([...msg.live, self]);
      return;
    }
    this.env.send(next, {
      type: "ring-elect",
      initiator: msg.initiator,
      epoch: Math.max(msg.epoch, this.epochSeen()),
      live: [...msg.live, self],
    });
  }

  private onLeader(msg: Extract<RingElectMsg, { type: "ring-leader" }>): void {
    const self = this.env.self;
    if (!this.env.cluster.includes(msg.leader)) {
      this.env.log.warn("ring: leader outside the cluster; dropped", { leader: msg.leader });
      return;
    }
    const current = this.leader();
    if (msg.epoch < this.lastFollowedEpoch()) {
      // A live leader of an older epoch: a healed partition; elect one for all.
      if (current !== undefined && current.leader !== msg.leader) this.startElection();
      return;
    }
    if (msg.leader !== self && msg.leader < self) {
      // A lower leader while this member is live: its round missed us. Elect again.
      this.startElection();
      return;
    }
    if (!this.follow(msg.leader, msg.epoch)) return;
    this.endRound();
    const next = this.successor();
    if (next === undefined || next === msg.initiator || msg.hops + 1 >= this.env.cluster.length)
      return;
    this.env.send(next, { ...msg, hops: msg.hops + 1 });
  }

  protected onElectionTimer(tag: RingTimer): void {
    switch (tag) {
      case "round":
        this.roundTimer = undefined;
        this.participating = -1;
        this.startElection();
        return;
      case "announce":
        this.env.setTimer(this.config.announceIntervalMs, "announce");
        if (this.leading()) this.sendLeaderRound(this.leader()?.epoch ?? 0);
        else if (this.leader() === undefined && this.roundTimer === undefined) this.startElection();
        return;
      default:
        assertNever(tag);
    }
  }

  protected onSuspect(peer: NodeId): void {
    if (this.leader()?.leader !== peer) return;
    this.forget();
    this.startElection();
  }

  protected onTrust(_peer: NodeId): void {
    if (this.leading()) this.startElection();
  }

  /** Sends a new election round from this member (unless a higher one is under way). */
  private startElection(): void {
    const self = this.env.self;
    if (this.participating > self) return;
    this.participating = self;
    this.armRound();
    const next = this.successor();
    if (next === undefined) {
      this.conclude([self]);
      return;
    }
    this.env.metrics.inc("ring.elections");
    this.env.send(next, {
      type: "ring-elect",
      initiator: self,
      epoch: this.epochSeen(),
      live: [self],
    });
  }

  /** Names the highest of `live` leader in a fresh epoch and sends the result round. */
  private conclude(live: number[]): void {
    const leader = Math.max(...live);
    const epoch = this.nextEpoch();
    this.endRound();
    this.follow(leader, epoch);
    this.sendLeaderRound(epoch, leader);
  }

  private sendLeaderRound(epoch: number, leader = this.env.self): void {
    const next = this.successor();
    if (next === undefined) return;
    this.env.send(next, { type: "ring-leader", initiator: this.env.self, leader, epoch, hops: 0 });
  }

  /** The next id after this one, in ring order, that the detector trusts; undefined when none. */
  protected successor(): NodeId | undefined {
    const ring = this.env.cluster;
    const at = ring.indexOf(this.env.self);
    for (let k = 1; k < ring.length; k++) {
      const id = ring[(at + k) % ring.length];
      if (id !== undefined && this.trusted(id)) return id;
    }
    return undefined;
  }

  private armRound(): void {
    if (this.roundTimer !== undefined) this.env.cancelTimer(this.roundTimer);
    this.roundTimer = this.env.setTimer(this.config.roundTimeoutMs, "round");
  }

  private endRound(): void {
    if (this.roundTimer !== undefined) this.env.cancelTimer(this.roundTimer);
    this.roundTimer = undefined;
    this.participating = -1;
  }
}
