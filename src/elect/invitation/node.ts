import type { NodeId, TimerId } from "../../core/index.js";
import { assertNever } from "../../core/index.js";
import { ElectionBase } from "../base.js";
import type { InvitationConfig } from "./config.js";
import type { InvitationElectMsg, InvitationTimer } from "./messages.js";

/**
 * The invitation election (Garcia-Molina 1982) on a heartbeat detector: every
 * node starts as the leader of its own group; every `checkIntervalMs` a
 * leader re-announces its group to its members and sends `inv-check` to
 * every node outside it that it trusts. Of two leaders that meet, the one of
 * the larger group (ties: the higher id) invites the other (`inv-merge`),
 * which hands over its members (`inv-join`); the merged group keeps the
 * larger group's leader and epoch, so only the smaller group is told — unless
 * the smaller group had seen a newer epoch, when the leader takes a fresh
 * one and tells everyone (epochs never go back). A member that loses its
 * leader, is dropped from its group, or has not heard its leader's
 * announcement for three check intervals, leads a group of its own.
 *
 * Guarantees: with a live, connected cluster and no faults for long enough,
 * all nodes end in one group and follow its leader in one epoch (which
 * leader depends on how the groups met, not on ids alone).
 */
export class InvitationNode extends ElectionBase<InvitationElectMsg, InvitationTimer> {
  private group = new Set<NodeId>();
  private mergingInto: NodeId | undefined;
  private mergeTimer: TimerId | undefined;
  /** When this node last heard its leader's `inv-coordinator` (local ms). */
  private heardLeaderMs = 0;

  constructor(private readonly config: InvitationConfig) {
    super(config.detector);
  }

  protected onStart(_recovered: boolean): void {
    this.env.setTimer(this.config.checkIntervalMs, "group-check");
    this.leadAlone();
  }

  protected onElectionMessage(from: NodeId, msg: InvitationElectMsg): void {
    this.seeEpoch(msg.epoch);
    switch (msg.type) {
      case "inv-check":
        this.onCheck(from, msg.size);
        return;
      case "inv-merge":
        this.onMerge(from, msg.size);
        return;
      case "inv-join":
        this.onJoin(msg.epoch, msg.members);
        return;
      case "inv-coordinator":
        this.onCoordinator(from, msg.epoch, msg.members);
        return;
      default:
        assertNever(msg);
    }
  }

  /** True when a group of `sizeA` led by `a` outranks one of `sizeB` led by `b`. */
  private static outranks(sizeA: number, a: NodeId, sizeB: number, b: NodeId): boolean {
    return sizeA > sizeB || (sizeA === sizeB && a > b);
  }

  private onCheck(from: NodeId, size: number): void {
    if (!this.leading() || this.mergingInto !== undefined) return;
    if (this.group.has(from)) this.group.delete(from); // it leads a group of its own now
    const self = this.env.self;
    if (InvitationNode.outranks(this.group.size, self, size, from)) {
      this.env.send(from, { type: "inv-merge", epoch: this.currentEpoch(), size: this.group.size });
    }
  }

  private onMerge(from: NodeId, size: number): void {
    if (!this.leading() || this.mergingInto !== undefined) return;
    if (!InvitationNode.outranks(size, from, this.group.size, this.env.self)) return;
    this.env.send(from, { type: "inv-join", epoch: this.epochSeen(), members: [...this.group] });
    this.mergingInto = from;
    this.mergeTimer = this.env.setTimer(this.config.mergeTimeoutMs, "merge-wait");
  }

  private onJoin(epoch: number, members: readonly number[]): void {
    if (!this.leading() || this.mergingInto !== undefined) return;
    const joined = members.filter((id) => this.env.cluster.includes(id) && !this.group.has(id));
    for (const id of joined) this.group.add(id);
    if (epoch >= this.currentEpoch()) {
      // The smaller group saw a newer epoch: lead a fresh one and tell everyone.
      this.follow(this.env.self, this.nextEpoch());
      this.announce([...this.group]);
    } else {
      this.announce(joined);
    }
  }

  private onCoordinator(from: NodeId, epoch: number, members: readonly number[]): void {
    const self = this.env.self;
    if (from === self) return;
    if (!members.includes(self)) {
      if (this.leader()?.leader === from) this.leadAlone(); // dropped from its group
      return;
    }
    if (this.leading() && this.mergingInto !== from) return; // it will find us by our checks
    if (epoch < this.lastFollowedEpoch()) {
      // It leads an older epoch than we followed: ask to join, so it takes a fresh one.
      this.env.send(from, { type: "inv-join", epoch: this.epochSeen(), members: [self] });
      return;
    }
    if (!this.follow(from, epoch)) return;
    this.heardLeaderMs = this.env.now();
    this.group.clear();
    this.endMerge();
  }

  protected onElectionTimer(tag: InvitationTimer): void {
    switch (tag) {
      case "group-check":
        this.env.setTimer(this.config.checkIntervalMs, "group-check");
        if (this.leading()) this.checkAndAnnounce();
        else if (this.leader() === undefined) this.leadAlone();
        else if (this.env.now() - this.heardLeaderMs > 3 * this.config.checkIntervalMs) {
          this.leadAlone(); // its leader no longer counts us in: start over and be found
        }
        return;
      case "merge-wait":
        this.mergeTimer = undefined;
        this.mergingInto = undefined;
        return;
      default:
        assertNever(tag);
    }
  }

  protected onSuspect(peer: NodeId): void {
    if (this.leading()) {
      this.group.delete(peer);
      if (this.mergingInto === peer) this.endMerge();
    } else if (this.leader()?.leader === peer) {
      this.forget();
      this.leadAlone();
    }
  }

  protected onTrust(_peer: NodeId): void {
    // Found again by the next round of checks.
  }

  private leadAlone(): void {
    this.endMerge();
    this.group = new Set([this.env.self]);
    this.follow(this.env.self, this.nextEpoch());
  }

  private checkAndAnnounce(): void {
    const self = this.env.self;
    this.announce([...this.group]);
    const msg: InvitationElectMsg = {
      type: "inv-check",
      epoch: this.currentEpoch(),
      size: this.group.size,
    };
    for (const id of this.env.cluster) {
      if (id !== self && !this.group.has(id) && this.trusted(id)) this.env.send(id, msg);
    }
  }

  private announce(to: readonly NodeId[]): void {
    const members = [...this.group].sort((a, b) => a - b);
    const msg: InvitationElectMsg = {
      type: "inv-coordinator",
      epoch: this.currentEpoch(),
      members,
    };
    for (const id of to) if (id !== this.env.self) this.env.send(id, msg);
  }

  private currentEpoch(): number {
    return this.leader()?.epoch ?? 0;
  }

  private endMerge(): void {
    if (this.mergeTimer !== undefined) this.env.cancelTimer(this.mergeTimer);
    this.mergeTimer = undefined;
    this.mergingInto = undefined;
  }
}
