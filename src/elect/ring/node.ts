import type { NodeId, TimerId } from "../../core/index.js";
import { assertNever } from "../../core/index.js";
import { ElectionBase } from "../base.js";
import type { RingConfig } from "./config.js";
import type { RingElectMsg, RingTimer } from "./messages.js";

type Circulating = Extract<RingElectMsg, { type: "ring-elect" | "ring-leader" }>;

/** Unacknowledged sends to one successor before the hop skips it (Tanenbaum's ring). */
const HOP_TRIES_BEFORE_SKIP = 5;

/**
 * The ring election (Chang & Roberts 1979), in the variant that skips
 * unreachable successors and collects the live set: the ring is the ids in
 * ascending order; an election message goes to the next successor the
 * detector trusts, each member adding its id, until it returns to its
 * initiator, which names the highest id collected the leader in a fresh epoch
 * and sends `ring-leader` round. A member that already forwarded a higher
 * initiator's election swallows a lower one (Chang & Roberts' extinction), so
 * concurrent elections cost about one circuit.
 *
 * Every hop is acknowledged (`ring-ack`): a member re-sends a message its
 * successor has not acknowledged within `hopTimeoutMs`, to the next successor
 * it trusts, and after five unacknowledged tries skips that successor. So a
 * lost message costs one hop timeout, not a whole round: without this, a
 * circuit of n hops survives a loss rate p only with probability (1 − p)^n
 * (7.6% for 256 members at 1%). A member forwards each round once, so a
 * re-sent hop that arrives twice is swallowed.
 *
 * A member starts an election when it starts, when it suspects its leader,
 * when a round it took part in does not end within `roundTimeoutMs +
 * n × roundPerMemberMs` (a round is one circuit of n hops), when it has no
 * leader, or when it hears a live leader of an epoch older than its own (a
 * healed partition). A leader starts one two heartbeat intervals after the
 * detector trusts a member again (a return or a heal; one round for the
 * whole burst of trust events a heal brings), and sends its announcement
 * round every `announceIntervalMs`.
 *
 * Guarantees: with a live, connected cluster and no faults for long enough,
 * every member follows the highest live id in one epoch; a member's epochs
 * never decrease.
 */
export class RingNode extends ElectionBase<RingElectMsg, RingTimer> {
  /** The highest initiator whose election this member forwarded in the current round, or -1. */
  private participating = -1;
  private roundTimer: TimerId | undefined;
  /** This member's next round number; starts at a random point so rounds of an earlier life are not confused with new ones. */
  private nextRound = 0;
  /** Rounds already handled, as `kind:initiator:round`, oldest first (bounded). */
  private readonly seen = new Set<string>();
  /** Messages sent to a successor and not yet acknowledged, by `kind:initiator:round`. */
  private readonly pending = new Map<
    string,
    { msg: Circulating; to: NodeId; sentMs: number; tries: number }
  >();
  private hopTimer: TimerId | undefined;
  private rejoinTimer: TimerId | undefined;

  constructor(private readonly config: RingConfig) {
    super(config.detector);
  }

  protected onStart(_recovered: boolean): void {
    this.nextRound = Math.floor(this.env.random() * 2 ** 40);
    this.env.setTimer(this.config.announceIntervalMs, "announce");
    this.startElection();
  }

  protected onElectionMessage(from: NodeId, msg: RingElectMsg): void {
    this.seeEpoch(msg.epoch);
    switch (msg.type) {
      case "ring-elect":
        if (!this.acknowledge(from, msg)) return;
        this.onElect(msg);
        return;
      case "ring-leader":
        if (!this.acknowledge(from, msg)) return;
        this.onLeader(msg);
        return;
      case "ring-ack": {
        const key = `${msg.kind}:${msg.initiator}:${msg.round}`;
        if (this.pending.get(key)?.to === from) this.pending.delete(key);
        return;
      }
      default:
        assertNever(msg);
    }
  }

  /** Acknowledges one hop of `msg`; true when it names only members (else it is dropped with a warning). */
  private acknowledge(from: NodeId, msg: Circulating): boolean {
    const kind = msg.type === "ring-elect" ? "elect" : "leader";
    this.env.send(from, {
      type: "ring-ack",
      kind,
      initiator: msg.initiator,
      round: msg.round,
      epoch: this.epochSeen(),
    });
    const named = msg.type === "ring-elect" ? msg.live : [msg.leader];
    if (named.some((id) => !this.isMember(id))) {
      this.env.log.warn("ring: message names a node outside the cluster; dropped", { msg });
      return false;
    }
    return true;
  }

  /** True the first time this member handles `key` (bounded memory: the oldest are forgotten). */
  private firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > 8 * this.env.cluster.length + 64) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  private onElect(msg: Extract<RingElectMsg, { type: "ring-elect" }>): void {
    const self = this.env.self;
    if (msg.initiator === self || msg.live.includes(self)) {
      // Round complete (or its initiator is gone and it came back to us): name the winner, once.
      if (this.firstTime(`done:${msg.initiator}:${msg.round}`)) this.conclude([...msg.live]);
      return;
    }
    if (!this.firstTime(`elect:${msg.initiator}:${msg.round}`)) return; // a re-sent hop
    if (msg.initiator < this.participating) return; // extinction
    this.participating = msg.initiator;
    this.armRound();
    const sent = this.pass({
      ...msg,
      epoch: Math.max(msg.epoch, this.epochSeen()),
      live: [...msg.live, self],
    });
    if (!sent) this.conclude([...msg.live, self]);
  }

  private onLeader(msg: Extract<RingElectMsg, { type: "ring-leader" }>): void {
    const self = this.env.self;
    if (!this.firstTime(`leader:${msg.initiator}:${msg.round}`)) return; // a re-sent hop
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
    if (msg.hops + 1 >= this.env.cluster.length) return;
    const next = this.successor();
    if (next === undefined || next === msg.initiator) return;
    this.pass({ ...msg, hops: msg.hops + 1 });
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
      case "hop":
        this.hopTimer = undefined;
        this.retryHops();
        return;
      case "rejoin":
        this.rejoinTimer = undefined;
        if (this.leading()) this.startElection();
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
    // A return or a heal: elect again to take the member in, once for the burst of trust
    // events a heal brings (one per member, within a heartbeat interval), not once per member.
    if (this.leading() && this.rejoinTimer === undefined) {
      this.rejoinTimer = this.env.setTimer(2 * this.config.detector.intervalMs, "rejoin");
    }
  }

  /** Sends a new election round from this member (unless a higher one is under way). */
  private startElection(): void {
    const self = this.env.self;
    if (this.participating > self) return;
    this.participating = self;
    this.armRound();
    this.env.metrics.inc("ring.elections");
    const sent = this.pass({
      type: "ring-elect",
      initiator: self,
      round: this.takeRound(),
      epoch: this.epochSeen(),
      live: [self],
    });
    if (!sent) this.conclude([self]);
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
    const round = this.takeRound();
    this.pass({ type: "ring-leader", initiator: this.env.self, round, leader, epoch, hops: 0 });
  }

  private takeRound(): number {
    this.nextRound += 1;
    return this.nextRound;
  }

  /** Sends `msg` to the next trusted successor and waits for its acknowledgement; false when none is trusted. */
  private pass(msg: Circulating): boolean {
    const to = this.successor();
    if (to === undefined) return false;
    const kind = msg.type === "ring-elect" ? "elect" : "leader";
    this.pending.set(`${kind}:${msg.initiator}:${msg.round}`, {
      msg,
      to,
      sentMs: this.env.now(),
      tries: 1,
    });
    this.env.send(to, msg);
    if (this.hopTimer === undefined) {
      this.hopTimer = this.env.setTimer(this.config.hopTimeoutMs, "hop");
    }
    return true;
  }

  /** Re-sends every hop not acknowledged in time: to the same successor while it is trusted, skipping it after five tries. */
  private retryHops(): void {
    const now = this.env.now();
    for (const [key, p] of [...this.pending]) {
      if (now - p.sentMs < this.config.hopTimeoutMs) continue;
      const skip = p.tries >= HOP_TRIES_BEFORE_SKIP;
      const to = this.trusted(p.to) && !skip ? p.to : this.successor(p.to);
      if (to === undefined || to === this.env.self) {
        this.pending.delete(key); // nobody left to pass it to; the round timer starts again
        continue;
      }
      const tries = to === p.to ? p.tries + 1 : 1;
      this.pending.set(key, { msg: p.msg, to, sentMs: now, tries });
      this.env.send(to, p.msg);
    }
    if (this.pending.size > 0) {
      this.hopTimer = this.env.setTimer(this.config.hopTimeoutMs, "hop");
    }
  }

  /**
   * The next id after `after` (this member by default), in ring order, that
   * the detector trusts; undefined when none but this member is.
   */
  protected successor(after: NodeId = this.env.self): NodeId | undefined {
    const ring = this.env.cluster;
    const at = ring.indexOf(after);
    for (let k = 1; k < ring.length; k++) {
      const id = ring[(at + k) % ring.length];
      if (id === this.env.self) return undefined;
      if (id !== undefined && this.trusted(id)) return id;
    }
    return undefined;
  }

  private armRound(): void {
    if (this.roundTimer !== undefined) this.env.cancelTimer(this.roundTimer);
    const ms = this.config.roundTimeoutMs + this.env.cluster.length * this.config.roundPerMemberMs;
    this.roundTimer = this.env.setTimer(ms, "round");
  }

  private endRound(): void {
    if (this.roundTimer !== undefined) this.env.cancelTimer(this.roundTimer);
    this.roundTimer = undefined;
    this.participating = -1;
  }
}
