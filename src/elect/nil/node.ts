import type { NodeId, TimerId } from "../../core/index.js";
import { assertNever } from "../../core/index.js";
import { ElectionBase } from "../base.js";
import type { NilConfig } from "./config.js";
import type { NilElectMsg, NilTimer } from "./messages.js";

/**
 * Next-in-line failover (after Gholipour, Kordafshari, Jahanshahi & Rahmani
 * 2009): the leader announces, with its epoch, the list of alternates that
 * would succeed it (the other members, highest id first). A member that
 * suspects the leader does not hold an election: if it is itself the first
 * alternate it trusts, it takes over at once; otherwise it asks that
 * alternate (`nil-takeover`) and, if no announcement follows within
 * `takeoverTimeoutMs`, asks the next. A failover costs one request per
 * detecting member plus one announcement round: O(n), not bully's O(n²).
 *
 * Ranks decide between two leaders that meet (after a partition heals): the
 * higher-ranked one takes a fresh epoch, the lower one follows it. A member
 * that starts listens `listenMs` for an announcement before it asks the first
 * in line (so a restarted member learns the epoch before it acts); one that
 * outranks the leader it hears then takes over.
 *
 * Guarantees: with a live, connected cluster and no faults for long enough,
 * every member follows the highest live id in one epoch; epochs never go back.
 */
export class NilNode extends ElectionBase<NilElectMsg, NilTimer> {
  private alternates: NodeId[] = [];
  private asked = new Set<NodeId>();
  private waitTimer: TimerId | undefined;
  private listening = true;

  constructor(private readonly config: NilConfig) {
    super(config.detector);
  }

  protected onStart(_recovered: boolean): void {
    this.alternates = [...this.env.cluster].sort((a, b) => b - a);
    this.env.setTimer(this.config.announceIntervalMs, "announce");
    this.env.setTimer(this.config.listenMs, "listen");
  }

  protected onElectionMessage(from: NodeId, msg: NilElectMsg): void {
    this.seeEpoch(msg.epoch);
    switch (msg.type) {
      case "nil-takeover":
        if (this.leading()) this.announceTo(from);
        else this.takeOver();
        return;
      case "nil-coordinator":
        this.onCoordinator(from, msg.epoch, msg.alternates);
        return;
      default:
        assertNever(msg);
    }
  }

  private onCoordinator(from: NodeId, epoch: number, alternates: readonly number[]): void {
    const self = this.env.self;
    if (this.leading() && from < self) {
      // Two leaders met: the higher-ranked one leads, in a fresh epoch if need be.
      if (epoch > (this.leader()?.epoch ?? 0)) this.takeOver();
      else this.announceTo(from);
      return;
    }
    if (epoch < this.lastFollowedEpoch()) return;
    if (!this.follow(from, epoch)) return;
    this.alternates = alternates.filter((id) => this.isMember(id));
    this.listening = false;
    this.endFailover();
    // A returning member that outranks the leader takes over, now that it knows the epoch.
    if (from < self) this.takeOver();
  }

  protected onElectionTimer(tag: NilTimer): void {
    switch (tag) {
      case "listen":
        this.listening = false;
        if (this.leader() === undefined) this.failover();
        return;
      case "takeover-wait":
        this.waitTimer = undefined;
        if (this.leader() === undefined) this.failover();
        return;
      case "announce":
        this.env.setTimer(this.config.announceIntervalMs, "announce");
        if (this.leading()) this.announceAll();
        else if (this.leader() === undefined && !this.listening && this.waitTimer === undefined) {
          this.asked.clear();
          this.failover();
        }
        return;
      default:
        assertNever(tag);
    }
  }

  protected onSuspect(peer: NodeId): void {
    if (this.leader()?.leader !== peer) return;
    this.forget();
    this.asked.clear();
    this.failover();
  }

  protected onTrust(_peer: NodeId): void {
    // A returning member listens first; healed partitions merge on announcements.
  }

  /** Asks the first trusted alternate not yet asked to take over, or takes over when that is us. */
  private failover(): void {
    if (this.listening) return;
    const self = this.env.self;
    const line = [self, ...this.alternates.filter((id) => id !== self)].sort((a, b) => b - a);
    const next = line.find((id) => this.trusted(id) && !this.asked.has(id));
    if (next === undefined || next === self) {
      this.takeOver();
      return;
    }
    this.asked.add(next);
    this.env.send(next, { type: "nil-takeover", epoch: this.epochSeen() });
    if (this.waitTimer !== undefined) this.env.cancelTimer(this.waitTimer);
    this.waitTimer = this.env.setTimer(this.config.takeoverTimeoutMs, "takeover-wait");
  }

  private takeOver(): void {
    this.endFailover();
    this.listening = false;
    this.follow(this.env.self, this.nextEpoch());
    this.alternates = this.env.cluster.filter((id) => id !== this.env.self).sort((a, b) => b - a);
    this.announceAll();
  }

  private announceAll(): void {
    for (const id of this.env.cluster) if (id !== this.env.self) this.announceTo(id);
  }

  private announceTo(to: NodeId): void {
    const epoch = this.leader()?.epoch ?? 0;
    this.env.send(to, { type: "nil-coordinator", epoch, alternates: this.alternates });
  }

  private endFailover(): void {
    if (this.waitTimer !== undefined) this.env.cancelTimer(this.waitTimer);
    this.waitTimer = undefined;
    this.asked.clear();
  }
}
