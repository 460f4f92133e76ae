import type { NodeId, TimerId } from "../../core/index.js";
import { assertNever } from "../../core/index.js";
import { ElectionBase } from "../base.js";
import type { CandidateConfig } from "./config.js";
import type { CandidateElectMsg, CandidateTimer } from "./messages.js";

/**
 * The candidate/ordinary election (after Murshed & Allen 2012): only the
 * `candidateCount` highest ids are candidates and may lead; any node, ordinary
 * or not, that finds the leader gone waits δ (shorter for higher priority),
 * then probes every candidate it trusts, collects their answers for
 * `collectMs`, names the highest that answered leader in a fresh epoch and
 * tells everyone. A probe from another elector cancels a node's own pending
 * δ, so simultaneous elections collapse into the highest-priority one.
 *
 * A leader that is probed answers with its announcement too, so an elector
 * that missed the announcement (a lost message) follows it rather than
 * naming it again in a fresh epoch that every node would have to adopt.
 *
 * Two leaders that meet (a healed partition), or a returning candidate that
 * outranks the leader: the higher-ranked takes a fresh epoch. Starting nodes
 * listen `listenMs` first, to learn the epoch before they act.
 *
 * Guarantees: with a live, connected cluster in which some candidate lives
 * and no faults for long enough, every node follows the highest live
 * candidate in one epoch (no candidate alive: no leader, by design); epochs
 * never go back.
 */
export class CandidateNode extends ElectionBase<CandidateElectMsg, CandidateTimer> {
  private candidates: NodeId[] = [];
  private priority = 0;
  private listening = true;
  private phase: "idle" | "delay" | "collect" | "await" = "idle";
  private phaseTimer: TimerId | undefined;
  private answered = new Set<NodeId>();

  constructor(private readonly config: CandidateConfig) {
    super(config.detector);
  }

  protected onStart(_recovered: boolean): void {
    const ranked = [...this.env.cluster].sort((a, b) => b - a);
    this.candidates = ranked.slice(0, this.config.candidateCount);
    this.priority = Math.max(0, ranked.indexOf(this.env.self));
    this.env.setTimer(this.config.announceIntervalMs, "announce");
    this.env.setTimer(this.config.listenMs, "listen");
  }

  private isCandidate(id: NodeId): boolean {
    return this.candidates.includes(id);
  }

  protected onElectionMessage(from: NodeId, msg: CandidateElectMsg): void {
    this.seeEpoch(msg.epoch);
    switch (msg.type) {
      case "cand-probe":
        if (this.isCandidate(this.env.self)) {
          this.env.send(from, { type: "cand-alive", epoch: this.epochSeen() });
        }
        // A leader tells a late elector (one that missed its announcement) that it leads,
        // so the elector follows it instead of naming it again in a fresh epoch.
        if (this.leading()) this.announceTo(from);
        // Another elector is at work: stand back, unless it fails.
        if (this.phase === "delay") this.enter("await", this.config.collectMs * 3, "await");
        return;
      case "cand-alive":
        if (this.phase === "collect" && this.isCandidate(from)) this.answered.add(from);
        return;
      case "cand-coordinator":
        this.onCoordinator(from, msg.leader, msg.epoch);
        return;
      default:
        assertNever(msg);
    }
  }

  private onCoordinator(from: NodeId, leader: NodeId, epoch: number): void {
    const self = this.env.self;
    if (!this.isCandidate(leader)) return;
    if (this.leading() && leader !== self) {
      if (leader < self) {
        if (epoch > (this.leader()?.epoch ?? 0)) this.takeOver();
        else this.announceTo(from);
        return;
      }
      if (epoch < (this.leader()?.epoch ?? 0)) return; // the higher one will out-elect us
    }
    if (epoch < this.lastFollowedEpoch()) {
      // A leader announcing an older epoch than ours missed an elector's news: tell it.
      if (this.leader() !== undefined && from === leader) this.announceTo(from);
      return;
    }
    if (!this.follow(leader, epoch)) return;
    this.listening = false;
    this.enter("idle");
    if (leader < self && this.isCandidate(self)) this.takeOver();
  }

  protected onElectionTimer(tag: CandidateTimer): void {
    switch (tag) {
      case "listen":
        this.listening = false;
        if (this.leader() === undefined) this.scheduleElection();
        return;
      case "delta":
        this.phaseTimer = undefined;
        if (this.phase === "delay" && this.leader() === undefined) this.probe();
        return;
      case "collect":
        this.phaseTimer = undefined;
        if (this.phase === "collect") this.conclude();
        return;
      case "await":
        this.phaseTimer = undefined;
        this.phase = "idle";
        if (this.leader() === undefined) this.scheduleElection();
        return;
      case "announce":
        this.env.setTimer(this.config.announceIntervalMs, "announce");
        if (this.leading()) {
          for (const id of this.env.cluster) if (id !== this.env.self) this.announceTo(id);
        } else if (this.leader() === undefined && !this.listening && this.phase === "idle") {
          this.scheduleElection();
        }
        return;
      default:
        assertNever(tag);
    }
  }

  protected onSuspect(peer: NodeId): void {
    if (this.leader()?.leader !== peer) return;
    this.forget();
    this.scheduleElection();
  }

  protected onTrust(_peer: NodeId): void {
    // Returning candidates listen, then out-rank; healed partitions merge on announcements.
  }

  /** Waits δ for this node's priority, then probes (unless someone else elects first). */
  private scheduleElection(): void {
    if (this.listening || this.phase !== "idle") return;
    this.enter("delay", this.priority * this.config.deltaMs, "delta");
  }

  private probe(): void {
    this.answered.clear();
    const self = this.env.self;
    for (const c of this.candidates) {
      if (c !== self && this.trusted(c))
        this.env.send(c, { type: "cand-probe", epoch: this.epochSeen() });
    }
    this.env.metrics.inc("candidate.elections");
    this.enter("collect", this.config.collectMs, "collect");
  }

  private conclude(): void {
    const self = this.env.self;
    if (this.isCandidate(self)) this.answered.add(self);
    this.enter("idle");
    if (this.answered.size === 0) return; // no candidate alive; the announce timer retries
    const leader = Math.max(...this.answered);
    const epoch = this.nextEpoch();
    this.follow(leader, epoch);
    for (const id of this.env.cluster) {
      if (id !== self) this.env.send(id, { type: "cand-coordinator", leader, epoch });
    }
  }

  private takeOver(): void {
    this.enter("idle");
    this.listening = false;
    this.follow(this.env.self, this.nextEpoch());
    for (const id of this.env.cluster) if (id !== this.env.self) this.announceTo(id);
  }

  private announceTo(to: NodeId): void {
    const current = this.leader();
    if (current === undefined) return;
    this.env.send(to, { type: "cand-coordinator", leader: current.leader, epoch: current.epoch });
  }

  private enter(
    phase: "idle" | "delay" | "collect" | "await",
    afterMs?: number,
    tag?: CandidateTimer,
  ): void {
    if (this.phaseTimer !== undefined) this.env.cancelTimer(this.phaseTimer);
    this.phaseTimer = undefined;
    this.phase = phase;
    if (afterMs !== undefined && tag !== undefined)
      this.phaseTimer = this.env.setTimer(afterMs, tag);
  }
}
