import type { Env, HostNotice, NodeId, TimerId } from "../../core/index.js";
import { assert, assertNever } from "../../core/index.js";
import type { DetectorNode, MemberView } from "../types.js";
import { BroadcastQueue, retransmitLimit } from "./broadcasts.js";
import type { SwimConfig } from "./config.js";
import type { SwimMsg, SwimState, SwimTimer, SwimUpdate } from "./messages.js";
import { overrides } from "./precedence.js";
import { ProbeOrder } from "./probe-order.js";
import { expectedConfirmations, suspicionBoundsMs, suspicionTimeoutMs } from "./suspicion.js";

interface Member {
  state: SwimState;
  incarnation: number;
}

interface Probe {
  readonly target: NodeId;
  readonly msgId: number;
  /** When an unanswered probe is judged failed: its start plus the stretched period. */
  readonly deadlineMs: number;
  acked: boolean;
  nacksExpected: number;
  nacksGot: number;
}

interface Suspicion {
  readonly incarnation: number;
  readonly startMs: number;
  readonly confirmers: Set<NodeId>;
  timeoutMs: number;
  timer: TimerId;
}

interface Relay {
  readonly requester: NodeId;
  readonly inReplyTo: number;
  readonly target: NodeId;
  answered: boolean;
}

/** Graceful leave tells this many members directly; they spread it on. */
const LEAVE_FANOUT = 8;
/** At most this many indirect probes are relayed for others at once. */
const RELAYS_MAX = 256;
const STORAGE_INCARNATION = "swim.incarnation";

/**
 * A SWIM member (Das, Gupta, Motivala 2002) with the Lifeguard extensions
 * (Dadgar et al. 2018). Each protocol period it probes one member, chosen in
 * randomized round-robin order: a direct `ping`, and after `probeTimeoutMs`
 * without an answer, `indirectProbes` `pingReq`s through other members. A
 * member not reached by the end of the period (stretched by the local health
 * multiplier while probes fail) is suspected — unless nobody answered at all and
 * `blameSelfWhenUnheard` withholds it; a suspicion not refuted (by an Alive with
 * a higher incarnation) within the suspicion timeout becomes dead. Every change
 * rides piggybacked on probes λ·⌈log10(n+1)⌉ times.
 *
 * Guarantees: this node's incarnation only grows, and it is synced to storage
 * before any message carries it, so a restarted member always refutes what was
 * said about its previous life; a member this node declares dead was suspected
 * for at least the minimum suspicion timeout first (unless suspicion is off);
 * events follow the member table exactly (see `DetectorNode`).
 */
export class SwimNode implements DetectorNode<SwimMsg, SwimTimer> {
  private env!: Env<SwimMsg, SwimTimer>;
  private readonly members = new Map<NodeId, Member>();
  private readonly broadcasts = new BroadcastQueue();
  private readonly suspicions = new Map<NodeId, Suspicion>();
  private readonly relays = new Map<number, Relay>();
  private order!: ProbeOrder;
  private incarnation = 0;
  private health = 0;
  private nextMsgId = 1;
  private probe: Probe | undefined;
  /** Targets of unheard probes whose suspicion was withheld (see `isUnheard`). */
  private withheld: NodeId[] = [];
  private joined = false;
  private leaving = false;

  constructor(private readonly config: SwimConfig) {}

  start(env: Env<SwimMsg, SwimTimer>, _recovered: boolean): void {
    this.env = env;
    this.order = new ProbeOrder(() => env.random());
    this.bumpIncarnation((this.storedIncarnation() ?? -1) + 1);
    const seeds = this.config.seeds.filter((s) => s !== env.self);
    if (this.config.seeds.length === 0) {
      for (const id of env.cluster) if (id !== env.self) this.addMember(id, 0);
      this.joined = true;
    } else {
      this.joined = seeds.length === 0;
      if (!this.joined) this.sendJoins(seeds);
    }
    // Announce this life: peers that think an older incarnation suspect or dead learn it is back.
    this.broadcasts.push(this.selfUpdate("alive"));
    env.setTimer(this.config.probeIntervalMs, { kind: "period" });
    env.setTimer(this.jitteredSyncMs(), { kind: "sync" });
    this.reportHealth();
  }

  onMessage(from: NodeId, msg: SwimMsg): void {
    if (this.leaving || from === this.env.self) return;
    switch (msg.type) {
      case "ping":
        this.applyAll(msg.updates);
        this.env.send(from, {
          type: "pingOk",
          inReplyTo: msg.msgId,
          updates: this.piggyback(from),
        });
        return;
      case "pingOk":
        this.applyAll(msg.updates);
        this.onPingOk(from, msg.inReplyTo);
        return;
      case "pingReq":
        this.applyAll(msg.updates);
        this.relayProbe(from, msg.msgId, msg.target);
        return;
      case "pingReqOk":
        this.applyAll(msg.updates);
        if (this.probe?.msgId === msg.inReplyTo && this.probe.target === msg.target) this.acked();
        return;
      case "pingReqNack":
        if (this.probe?.msgId === msg.inReplyTo) this.probe.nacksGot += 1;
        return;
      case "join":
        this.onJoin(from, msg.incarnation);
        return;
      case "joinOk":
      case "syncOk":
        this.joined = true;
        this.applyAll(msg.members);
        return;
      case "sync":
        this.applyAll(msg.members);
        this.env.send(from, { type: "syncOk", members: this.fullState() });
        return;
      case "gossip":
        this.applyAll(msg.updates);
        return;
      default:
        assertNever(msg, "swim message");
    }
  }

  onTimer(tag: SwimTimer): void {
    if (this.leaving) return;
    switch (tag.kind) {
      case "period":
        this.onPeriod();
        return;
      case "probeTimeout":
        if (this.probe?.msgId === tag.msgId && !this.probe.acked) this.probeIndirectly(this.probe);
        return;
      case "suspicion":
        this.onSuspicionTimeout(tag.member, tag.incarnation);
        return;
      case "relayNack":
        this.onRelayNack(tag.msgId);
        return;
      case "sync":
        this.onSync();
        return;
      case "join":
        if (!this.joined) this.sendJoins(this.config.seeds.filter((s) => s !== this.env.self));
        return;
      default:
        assertNever(tag, "swim timer");
    }
  }

  onNotice(notice: HostNotice): void {
    const m = this.members.get(notice.peer);
    if (m === undefined || m.state === "dead" || m.state === "left") return;
    this.apply({
      member: notice.peer,
      state: "dead",
      incarnation: m.incarnation,
      source: this.env.self,
    });
  }

  /** Graceful leave: tells up to LEAVE_FANOUT members directly, then goes quiet. */
  stop(): void {
    const update = this.selfUpdate("left");
    const targets = this.randomMembers(LEAVE_FANOUT, (id) => this.isProbeable(id));
    for (const to of targets) this.env.send(to, { type: "gossip", updates: [update] });
    this.leaving = true;
  }

  suspects(): NodeId[] {
    return [...this.members.entries()]
      .filter(([, m]) => m.state === "suspect" || m.state === "dead")
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  view(): MemberView[] {
    return [...this.members.entries()]
      .map(([id, m]) => ({ id, state: m.state, incarnation: m.incarnation }))
      .sort((a, b) => a.id - b.id);
  }

  /** This node's own incarnation number. */
  selfIncarnation(): number {
    return this.incarnation;
  }

  /**
   * The suspicion timeout this node now holds for `peer` (ms from when the
   * suspicion began; Lifeguard shrinks it with confirmations), or undefined
   * when it does not suspect `peer`.
   */
  suspicionTimeoutOf(peer: NodeId): number | undefined {
    return this.suspicions.get(peer)?.timeoutMs;
  }

  /** Lifeguard's local health multiplier: 1 when healthy, up to `healthMax`. */
  healthMultiplier(): number {
    return this.health + 1;
  }

  // ---- probing -------------------------------------------------------------

  /**
   * A protocol period ends: judge the open probe and start the next. Lifeguard
   * (as memberlist does it): the local health multiplier stretches the time an
   * unanswered probe is given — its deadline — so while probes fail this node
   * probes (and suspects) more slowly; a probe that was answered ends at the
   * base period, so a recovering node probes at the full rate again.
   */
  private onPeriod(): void {
    const open = this.probe;
    if (open !== undefined && !open.acked) {
      const waitMs = open.deadlineMs - this.env.now();
      if (waitMs > 1) {
        this.env.setTimer(waitMs, { kind: "period" });
        return;
      }
      this.probeFailed(open);
    }
    this.probe = undefined;
    const target = this.order.next((id) => this.isProbeable(id));
    if (target !== undefined) {
      const msgId = this.nextMsgId++;
      const deadlineMs = this.env.now() + this.scaled(this.config.probeIntervalMs);
      this.probe = { target, msgId, deadlineMs, acked: false, nacksExpected: 0, nacksGot: 0 };
      this.env.send(target, { type: "ping", msgId, updates: this.piggyback(target) });
      this.env.metrics.inc("swim.probes");
      this.env.setTimer(this.scaled(this.config.probeTimeoutMs), { kind: "probeTimeout", msgId });
    }
    this.env.setTimer(this.config.probeIntervalMs, { kind: "period" });
  }

  private probeIndirectly(probe: Probe): void {
    const relays = this.randomMembers(
      this.config.indirectProbes,
      (id) => id !== probe.target && this.members.get(id)?.state === "alive",
    );
    for (const relay of relays) {
      const updates = this.piggyback(relay);
      this.env.send(relay, { type: "pingReq", msgId: probe.msgId, target: probe.target, updates });
    }
    probe.nacksExpected = this.config.localHealth ? relays.length : 0;
  }

  private probeFailed(probe: Probe): void {
    const unheard = this.isUnheard(probe);
    const withhold = unheard && this.health < this.config.healthMax - 1;
    // Lifeguard: blame ourselves for missing nacks (we may be the slow one), else for the failure.
    if (probe.nacksExpected > 0) this.adjustHealth(probe.nacksExpected - probe.nacksGot);
    else this.adjustHealth(1);
    if (withhold) {
      this.withheld.push(probe.target);
      this.env.metrics.inc("swim.suspicionsWithheld");
      return;
    }
    // Heard by someone: the withheld silences were ours. Still unheard at full
    // health: they were the network's, so accuse those members too.
    const owed = unheard ? this.withheld : [];
    this.withheld = [];
    for (const id of [...owed, probe.target]) this.suspectAfterProbe(id);
  }

  /**
   * Ours, in Lifeguard's spirit (`blameSelfWhenUnheard`): a failed probe that
   * nobody answered at all — not the target, not one relay's nack — is evidence
   * against this node (a stalled receive loop, a pause, all its links cut)
   * rather than the target. Such a probe's suspicion is withheld while the
   * health multiplier (before the probe's own adjustment) is below its maximum;
   * the target is remembered. An answered probe forgets the withheld targets;
   * an unheard one at full health accuses them with its own target, so a
   * member cut off from everyone suspects the same members, by the same time,
   * for all but its first few (stretched) periods.
   */
  private isUnheard(probe: Probe): boolean {
    return this.config.blameSelfWhenUnheard && probe.nacksExpected > 0 && probe.nacksGot === 0;
  }

  private suspectAfterProbe(id: NodeId): void {
    const m = this.members.get(id);
    if (m === undefined || m.state !== "alive") return;
    const state = this.config.suspicion ? "suspect" : "dead";
    this.apply({ member: id, state, incarnation: m.incarnation, source: this.env.self });
  }

  private onPingOk(from: NodeId, inReplyTo: number): void {
    const probe = this.probe;
    if (probe !== undefined && probe.msgId === inReplyTo && probe.target === from) {
      this.acked();
      return;
    }
    const relay = this.relays.get(inReplyTo);
    if (relay === undefined || relay.target !== from || relay.answered) return;
    relay.answered = true;
    this.relays.delete(inReplyTo);
    const msg: SwimMsg = {
      type: "pingReqOk",
      inReplyTo: relay.inReplyTo,
      target: relay.target,
      updates: this.piggyback(relay.requester),
    };
    this.env.send(relay.requester, msg);
  }

  private acked(): void {
    if (this.probe === undefined || this.probe.acked) return;
    this.probe.acked = true;
    this.withheld = [];
    this.adjustHealth(-1);
  }

  private relayProbe(requester: NodeId, inReplyTo: number, target: NodeId): void {
    if (this.relays.size >= RELAYS_MAX || target === this.env.self) return;
    const msgId = this.nextMsgId++;
    this.relays.set(msgId, { requester, inReplyTo, target, answered: false });
    this.env.send(target, { type: "ping", msgId, updates: this.piggyback(target) });
    // Lifeguard: answer with a nack at 80% of the probe timeout if the target stays silent.
    const nackAfterMs = Math.floor(this.config.probeTimeoutMs * 0.8);
    this.env.setTimer(nackAfterMs, { kind: "relayNack", msgId });
  }

  private onRelayNack(msgId: number): void {
    const relay = this.relays.get(msgId);
    if (relay === undefined) return;
    this.relays.delete(msgId);
    if (relay.answered || !this.config.localHealth) return;
    this.env.send(relay.requester, {
      type: "pingReqNack",
      inReplyTo: relay.inReplyTo,
      target: relay.target,
    });
  }

  // ---- dissemination and the member table -----------------------------------

  private applyAll(updates: readonly SwimUpdate[]): void {
    for (const u of updates) this.apply(u);
  }

  /** Applies one update under the precedence rules; refutes what is said about us. */
  private apply(u: SwimUpdate): void {
    if (u.member === this.env.self) {
      this.aboutSelf(u);
      return;
    }
    const current = this.members.get(u.member);
    if (!overrides(current, u)) {
      this.maybeConfirm(u, current);
      return;
    }
    if (current === undefined && this.members.size >= this.config.memberCountMax) {
      this.env.log.warn("swim: member table full; update dropped", { member: u.member });
      return;
    }
    const before = current?.state;
    this.members.set(u.member, { state: u.state, incarnation: u.incarnation });
    if (current === undefined) this.order.add(u.member);
    this.broadcasts.push(u);
    this.onStateChange(u, before);
  }

  private onStateChange(u: SwimUpdate, before: SwimState | undefined): void {
    if (u.state !== "suspect") this.cancelSuspicion(u.member);
    if (u.state === "suspect") this.startSuspicion(u);
    if (before === u.state) return;
    const peer = u.member;
    switch (u.state) {
      case "alive":
        this.env.emit({ type: before === "suspect" || before === "dead" ? "trust" : "join", peer });
        if (before === "dead") this.order.add(peer);
        return;
      case "suspect":
        this.env.emit({ type: "suspect", peer });
        return;
      case "dead":
        this.env.emit({ type: "dead", peer });
        return;
      case "left":
        this.env.emit({ type: "left", peer });
        return;
      default:
        assertNever(u.state, "swim state");
    }
  }

  private aboutSelf(u: SwimUpdate): void {
    if (u.state === "alive" || u.state === "left" || this.leaving) return;
    if (u.incarnation < this.incarnation) {
      // An accusation of an older life: our current incarnation already refutes it,
      // but the accuser may never have heard it (it may have been lost), so say it again.
      this.broadcasts.push(this.selfUpdate("alive"));
      return;
    }
    // Refute (§4.2): a higher incarnation overrides the suspicion or the confirmation.
    this.bumpIncarnation(u.incarnation + 1);
    this.broadcasts.push(this.selfUpdate("alive"));
    this.adjustHealth(1);
    this.env.metrics.inc("swim.refutations");
  }

  // ---- suspicion -------------------------------------------------------------

  private startSuspicion(u: SwimUpdate): void {
    const { minMs, maxMs } = this.suspicionBounds();
    const timeoutMs = this.config.dynamicSuspicion ? maxMs : minMs;
    const old = this.suspicions.get(u.member);
    if (old !== undefined) this.env.cancelTimer(old.timer);
    const timer = this.env.setTimer(timeoutMs, {
      kind: "suspicion",
      member: u.member,
      incarnation: u.incarnation,
    });
    const confirmers = new Set<NodeId>([u.source]);
    const startMs = this.env.now();
    this.suspicions.set(u.member, {
      incarnation: u.incarnation,
      startMs,
      confirmers,
      timeoutMs,
      timer,
    });
    if (u.source !== this.env.self) this.recomputeSuspicion(u.member);
  }

  /** Lifeguard: an independent suspicion of the same incarnation shortens the timeout. */
  private maybeConfirm(u: SwimUpdate, current: Member | undefined): void {
    if (!this.config.dynamicSuspicion || u.state !== "suspect" || current?.state !== "suspect")
      return;
    const s = this.suspicions.get(u.member);
    if (s === undefined || s.incarnation !== u.incarnation || s.confirmers.has(u.source)) return;
    s.confirmers.add(u.source);
    this.broadcasts.push(u);
    this.recomputeSuspicion(u.member);
  }

  private recomputeSuspicion(member: NodeId): void {
    const s = this.suspicions.get(member);
    if (s === undefined || !this.config.dynamicSuspicion) return;
    const { minMs, maxMs } = this.suspicionBounds();
    const k = expectedConfirmations(this.config.suspicionMult, this.memberCount());
    // The first suspecter does not count as a confirmation of itself.
    const timeoutMs = suspicionTimeoutMs(s.confirmers.size - 1, k, minMs, maxMs);
    if (timeoutMs >= s.timeoutMs) return;
    s.timeoutMs = timeoutMs;
    this.env.cancelTimer(s.timer);
    const remainingMs = Math.max(0, s.startMs + timeoutMs - this.env.now());
    s.timer = this.env.setTimer(remainingMs, {
      kind: "suspicion",
      member,
      incarnation: s.incarnation,
    });
  }

  private onSuspicionTimeout(member: NodeId, incarnation: number): void {
    const m = this.members.get(member);
    const s = this.suspicions.get(member);
    if (m?.state !== "suspect" || m.incarnation !== incarnation || s?.incarnation !== incarnation)
      return;
    this.apply({ member, state: "dead", incarnation, source: this.env.self });
  }

  private cancelSuspicion(member: NodeId): void {
    const s = this.suspicions.get(member);
    if (s === undefined) return;
    this.env.cancelTimer(s.timer);
    this.suspicions.delete(member);
  }

  private suspicionBounds(): { minMs: number; maxMs: number } {
    const c = this.config;
    return suspicionBoundsMs(
      c.suspicionMult,
      c.suspicionMaxTimeoutMult,
      this.memberCount(),
      c.probeIntervalMs,
    );
  }

  // ---- join, sync, helpers ---------------------------------------------------

  private onJoin(from: NodeId, incarnation: number): void {
    this.apply({ member: from, state: "alive", incarnation, source: from });
    this.env.send(from, { type: "joinOk", members: this.fullState() });
  }

  private sendJoins(seeds: readonly NodeId[]): void {
    for (const seed of seeds) this.env.send(seed, { type: "join", incarnation: this.incarnation });
    this.env.setTimer(this.config.probeIntervalMs, { kind: "join" });
  }

  private onSync(): void {
    const [peer] = this.randomMembers(1, (id) => this.members.get(id)?.state !== "left");
    if (peer !== undefined) this.env.send(peer, { type: "sync", members: this.fullState() });
    this.env.setTimer(this.jitteredSyncMs(), { kind: "sync" });
  }

  private fullState(): SwimUpdate[] {
    const self = this.env.self;
    const all: SwimUpdate[] = [this.selfUpdate("alive")];
    for (const [member, m] of this.members) {
      all.push({ member, state: m.state, incarnation: m.incarnation, source: self });
    }
    return all;
  }

  /**
   * Updates for a message to `to`. What we hold against `to` itself goes first:
   * a dead verdict always (so a wrongly declared member learns it and refutes),
   * a suspicion when the buddy system is on (Lifeguard §IV-C).
   */
  private piggyback(to: NodeId): SwimUpdate[] {
    const limit = retransmitLimit(this.config.retransmitMult, this.memberCount());
    const m = this.members.get(to);
    const accused = m?.state === "dead" || (this.config.buddy && m?.state === "suspect");
    if (m === undefined || !accused) return this.broadcasts.take(this.config.piggybackMax, limit);
    const accusation: SwimUpdate = {
      member: to,
      state: m.state,
      incarnation: m.incarnation,
      source: this.env.self,
    };
    const rest = this.broadcasts.take(this.config.piggybackMax - 1, limit, to);
    return [accusation, ...rest.filter((u) => u.member !== to)];
  }

  private addMember(id: NodeId, incarnation: number): void {
    this.members.set(id, { state: "alive", incarnation });
    this.order.add(id);
  }

  private isProbeable(id: NodeId): boolean {
    const s = this.members.get(id)?.state;
    return s === "alive" || s === "suspect";
  }

  private memberCount(): number {
    return this.members.size + 1;
  }

  /** Up to `count` distinct members passing `ok`, chosen uniformly at random. */
  private randomMembers(count: number, ok: (id: NodeId) => boolean): NodeId[] {
    const pool = [...this.members.keys()].filter(ok);
    const out: NodeId[] = [];
    while (out.length < count && pool.length > 0) {
      const i = Math.floor(this.env.random() * pool.length);
      out.push(pool[i]!);
      pool[i] = pool[pool.length - 1]!;
      pool.pop();
    }
    return out;
  }

  private selfUpdate(state: SwimState): SwimUpdate {
    const self = this.env.self;
    return { member: self, state, incarnation: this.incarnation, source: self };
  }

  private storedIncarnation(): number | undefined {
    const v = this.env.storage.get(STORAGE_INCARNATION);
    return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  }

  /** Raises our incarnation and makes it durable before any message can carry it. */
  private bumpIncarnation(to: number): void {
    assert(
      to >= this.incarnation,
      () => `swim: incarnation would fall from ${this.incarnation} to ${to}`,
    );
    this.incarnation = to;
    this.env.storage.put(STORAGE_INCARNATION, to);
    this.env.storage.sync();
  }

  private adjustHealth(delta: number): void {
    if (!this.config.localHealth) return;
    const next = Math.min(this.config.healthMax - 1, Math.max(0, this.health + delta));
    if (next === this.health) return;
    this.health = next;
    this.reportHealth();
  }

  private reportHealth(): void {
    this.env.metrics.set("swim.health", this.health);
  }

  private scaled(ms: number): number {
    return this.config.localHealth ? ms * (this.health + 1) : ms;
  }

  /**
   * The next full-list sync, jittered ±25%. Beyond 32 members the interval
   * grows with log2(n/32) + 1, as memberlist scales its push-pull, since each
   * sync carries the whole list.
   */
  private jitteredSyncMs(): number {
    const n = this.memberCount();
    const scale = n > 32 ? Math.ceil(Math.log2(n) - Math.log2(32)) + 1 : 1;
    return Math.floor(this.config.syncIntervalMs * scale * (0.75 + 0.5 * this.env.random()));
  }
}
