import { VECTOR_ZERO, type VectorClock, vectorAt, vectorTick } from "../clock/index.js";
import {
  assert,
  type Env,
  type HostNotice,
  type NodeId,
  type ProtocolNode,
} from "../core/index.js";
import type { BroadcastConfig, BroadcastVariant } from "./config.js";
import { DeliveredSet } from "./delivered-set.js";
import { BroadcastStore } from "./durable.js";
import {
  BODY_LENGTH_MAX,
  type BroadcastMessage,
  type DataMessage,
  type EpochMessage,
  type FlushedMessage,
  type FlushMessage,
  isPacket,
  messageId,
  type Packet,
  type ProgressMessage,
  packetKey,
} from "./messages.js";
import { TotalOrder, type TotalOrderHost } from "./total-order.js";

/** A silent peer is resent to at most every this many `resendMs` ticks. */
export const RESEND_BACKOFF_MAX = 8;

/**
 * The variants that may rejoin after a crash: best-effort (nothing is resent,
 * so a restarted node could not catch up) and the fixed sequencer are
 * crash-stop. The elected sequencer rejoins with its log (`ElectedOrder`).
 */
export const REJOIN_VARIANTS: readonly BroadcastVariant[] = [
  "reliable",
  "fifo",
  "causal",
  "total-elect",
];

/** The variants that report progress and collect stable messages; the total orders keep every packet. */
export const GC_VARIANTS: readonly BroadcastVariant[] = ["reliable", "fifo", "causal"];

/** At most this many unacknowledged packets (the oldest) are resent to one peer per round. */
export const RESEND_WINDOW = 32;

/** Timer tags of a broadcast node: its own, and the embedded election's (`total-elect`) prefixed `elect:`. */
export type BroadcastTimer =
  | "resend"
  | "work"
  | "progress"
  | `elect:${"tick" | "check" | "answer-wait" | "coordinator-wait" | "announce" | "hold-down" | "forgive"}`;

/**
 * One process of the broadcast family, in two layers.
 *
 * Dissemination: best-effort sends each broadcast once to every node; the
 * other variants relay every packet they learn to every peer (eager reliable
 * broadcast) and resend it each `resendMs` until that peer acknowledges it, so
 * a packet any correct process holds reaches every correct process across
 * loss and healed partitions, and duplicates are discarded by key.
 *
 * Ordering, over what dissemination hands up: none (best-effort, reliable);
 * per-origin sequence numbers (FIFO); vector timestamps held back until every
 * causal predecessor is delivered (causal, after Birman, Schiper, Stephenson
 * 1991); ranks from a sequencer, themselves broadcast reliably, with
 * failover to the next node when the sequencer fail-stops (total; see
 * `TotalOrder`).
 *
 * Stability (reliable, FIFO, causal, `gcEveryMs > 0`): every
 * `gcEveryMs` a node sends each peer a `progress` report of its gap-free
 * delivered prefix per origin; a message every node not known stopped has
 * reported delivered is dropped from the held packets and resend queues, and
 * a late copy of it is recognised by the delivered prefixes and discarded.
 *
 * Crash-recovery (those variants, `rejoin`): before a node uses a sequence
 * number it syncs the counter and the message; before it delivers, it syncs
 * what it delivered. Restarted after a crash it reads them back, spreads its
 * own messages again, and reports a higher incarnation, on which every peer
 * resends it whatever it holds that the report says is missing. So it never
 * reuses a sequence number, never delivers a message twice and catches up.
 * Best-effort, the total orders, and every variant with `rejoin` off, are crash-stop: a
 * node restarted after a crash (its storage still holds the mark a running
 * node keeps there) stays silent. A node stopped cleanly (`stop`) clears its
 * storage, so a whole cluster can be started again afresh.
 *
 * Emits `{type:"broadcast", id, origin, body}` when it broadcasts and
 * `{type:"deliver", id, origin, body}` when it delivers; a node that takes
 * over as total-order sequencer emits `{type:"sequencerEpoch", epoch, closes}`.
 */
export class BroadcastNode implements ProtocolNode<BroadcastMessage, BroadcastTimer> {
  readonly config: BroadcastConfig;
  protected env!: Env<BroadcastMessage, BroadcastTimer>;
  #retired = false;
  #mySeq = 0;
  #workSeq = 0;
  /** Every packet this node holds, by key. */
  readonly #known = new Map<string, Packet>();
  /** Per peer: keys sent but not yet acknowledged. */
  readonly #unacked = new Map<NodeId, Set<string>>();
  /** Per peer: resend ticks between rounds (doubles while the peer stays silent, up to `RESEND_BACKOFF_MAX`) and the next round's tick. */
  readonly #backoff = new Map<NodeId, { every: number; due: number }>();
  #tick = 0;
  /** FIFO and causal: how many messages of each origin were delivered. */
  protected delivered: VectorClock = VECTOR_ZERO;
  /** FIFO and causal: received but not yet deliverable. */
  readonly #pending = new Map<string, DataMessage>();
  /** Total: ranks from the sequencer, with failover on fail-stop notices. */
  #total: TotalOrder | undefined;
  #deliveredCount = 0;
  /** What this node delivered (every variant); persisted when `#durable`. */
  #done = new DeliveredSet();
  /** Whether this node keeps its counter, deliveries and own messages in storage (rejoining variants). */
  #durable = false;
  #incarnation = 0;
  #rejoined = false;
  #store!: BroadcastStore;
  /** Per peer: its last progress report (gap-free delivered prefixes) and incarnation. */
  readonly #reports = new Map<NodeId, { prefix: readonly number[]; incarnation: number }>();
  /** Peers known stopped (fail-stop notices): stability does not wait for them. */
  readonly #stopped = new Set<NodeId>();

  constructor(config: BroadcastConfig) {
    this.config = config;
  }

  start(env: Env<BroadcastMessage, BroadcastTimer>, recovered: boolean): void {
    this.env = env;
    this.#store = new BroadcastStore(env.storage);
    const crashed = recovered && this.#store.crashed();
    this.#durable = this.config.rejoin && REJOIN_VARIANTS.includes(this.config.variant);
    if (crashed && !this.#durable) {
      this.#retired = true;
      env.log.info("restarted after a crash: stays out (crash-stop model)");
      return;
    }
    if (!crashed) this.#store.clear();
    this.#store.markLive();
    for (const peer of env.cluster) if (peer !== env.self) this.#unacked.set(peer, new Set());
    if (this.config.variant === "total")
      this.#total = this.createTotalOrder(this.#totalHost(), this.config.sequencer);
    if (this.config.variant !== "best-effort") env.setTimer(this.config.resendMs, "resend");
    if (this.config.workEveryMs > 0) env.setTimer(this.#nextWorkMs(), "work");
    if (this.#reporting()) env.setTimer(this.config.gcEveryMs, "progress");
    this.#rejoined = crashed;
    if (crashed) this.#rejoin();
  }

  /** Whether this node restarted after a crash and rejoins (rather than starting afresh). */
  protected get rejoined(): boolean {
    return this.#rejoined;
  }

  /** Takes this node out for good (crash-stop), e.g. when its kept state cannot be read back. */
  protected retire(why: string): void {
    this.#retired = true;
    this.env.log.warn(`stays out: ${why}`, {});
  }

  /** A clean stop: the next start (a new run of the whole cluster) begins afresh rather than retired. */
  stop(): void {
    if (this.#retired) return;
    this.#store.clear();
    this.env.storage.sync();
  }

  /** Whether this node reports progress and collects stable messages. */
  #gcs(): boolean {
    return this.config.gcEveryMs > 0 && GC_VARIANTS.includes(this.config.variant);
  }

  /**
   * Whether this node sends and reads progress reports: to collect (`#gcs`),
   * and for every rejoining variant so a restarted peer gets resent what it
   * held before its crash (its incarnation grows).
   */
  #reporting(): boolean {
    return this.config.gcEveryMs > 0 && (this.#gcs() || this.#durable);
  }

  /** Restarted after a crash: read back the counter, deliveries and own messages; announce the new incarnation. */
  #rejoin(): void {
    const back = this.#store.readBack(this.env.self);
    this.#mySeq = back.seq;
    if (back.done === "unreadable") {
      this.env.log.warn("stored deliveries unreadable; starting from none", {});
    } else if (back.done !== undefined) this.#done = back.done;
    this.delivered = this.#done.prefix();
    this.#incarnation = back.incarnation;
    this.env.log.info("rejoining after a crash", {
      incarnation: this.#incarnation,
      seq: this.#mySeq,
    });
    for (const msg of back.own) {
      if (!this.#known.has(packetKey(msg))) this.#learn(msg, undefined);
    }
    this.#sendProgress();
  }

  /** Whether this node restarted after a crash and so takes no part. */
  get retired(): boolean {
    return this.#retired;
  }

  /** How many messages this node delivered. */
  get deliveredCount(): number {
    return this.#deliveredCount;
  }

  /**
   * Broadcasts `body` to every node (this one included) and returns its id,
   * or undefined when this node is retired. Throws a `RangeError` for a body
   * longer than `BODY_LENGTH_MAX`, which peers would refuse.
   */
  broadcast(body: string): string | undefined {
    if (body.length > BODY_LENGTH_MAX) {
      throw new RangeError(
        `body: expected at most ${BODY_LENGTH_MAX} characters, got ${body.length}`,
      );
    }
    if (this.#retired) return undefined;
    const seq = ++this.#mySeq;
    const id = messageId(this.env.self, seq);
    const vc = this.config.variant === "causal" ? this.#causalStamp() : [];
    if (this.#durable) this.#store.saveBroadcast(seq, body, vc);
    this.env.emit({ type: "broadcast", id, origin: this.env.self, body });
    const msg: DataMessage = { type: "data", origin: this.env.self, seq, body, vc };
    this.#learn(msg, undefined);
    return id;
  }

  onMessage(from: NodeId, msg: BroadcastMessage): void {
    if (this.#retired) return;
    this.#heardFrom(from);
    if (msg.type === "progress") {
      this.#onProgress(from, msg);
      return;
    }
    if (msg.type === "ack") {
      this.#unacked.get(from)?.delete(msg.key);
      return;
    }
    if (msg.type === "flush" || msg.type === "flushed") {
      if (this.#total === undefined) return;
      const problem = this.#foreignItems(msg);
      if (problem !== undefined) this.env.log.warn("dropped a message", { from, problem });
      else if (msg.type === "flush") this.#total.onFlush(from, msg);
      else this.#total.onFlushed(from, msg);
      return;
    }
    if (!isPacket(msg)) return; // the elected sequencer's messages: handled by its subclass
    const problem = this.#foreign(msg);
    if (problem !== undefined) {
      this.env.log.warn("dropped a packet", { from, problem });
      return;
    }
    const key = packetKey(msg);
    if (this.config.variant !== "best-effort") {
      this.env.send(from, { type: "ack", key });
      this.#unacked.get(from)?.delete(key);
    }
    const held = this.#known.get(key);
    if (held === undefined && msg.type === "data" && this.#done.has(msg.origin, msg.seq)) return; // delivered (and maybe collected) already
    if (held === undefined) this.#learn(msg, from);
    else if (JSON.stringify(held) !== JSON.stringify(msg)) {
      this.env.log.warn("dropped a packet that contradicts one held", { from, key });
    }
  }

  /** A fail-stop notice: stop resending to the peer; total order may fail over. */
  onNotice(notice: HostNotice): void {
    if (this.#retired) return;
    this.#unacked.delete(notice.peer);
    this.#stopped.add(notice.peer);
    this.#total?.onStopped(notice.peer);
  }

  onTimer(tag: BroadcastTimer): void {
    if (this.#retired) return;
    if (tag === "resend") {
      this.#total?.resendFlush();
      this.#tick++;
      for (const [peer, keys] of this.#unacked) {
        if (keys.size === 0) continue;
        const b = this.#backoff.get(peer) ?? { every: 1, due: 0 };
        if (this.#tick < b.due) continue;
        this.#backoff.set(peer, {
          every: Math.min(b.every * 2, RESEND_BACKOFF_MAX),
          due: this.#tick + b.every,
        });
        let sent = 0;
        for (const key of keys) {
          if (sent++ === RESEND_WINDOW) break;
          const packet = this.#known.get(key);
          assert(packet !== undefined, () => `unacked ${key} is not held`);
          this.env.send(peer, packet);
        }
      }
      this.env.setTimer(this.config.resendMs, "resend");
      return;
    }
    if (tag === "progress") {
      this.#sendProgress();
      if (this.#gcs()) this.#collect();
      this.env.setTimer(this.config.gcEveryMs, "progress");
      return;
    }
    if (tag !== "work" || this.env.now() >= this.config.workUntilMs) return;
    this.broadcast(`n${this.env.self}#${++this.#workSeq}`);
    this.env.setTimer(this.#nextWorkMs(), "work");
  }

  /** How many packets this node holds (messages not yet known delivered everywhere, decisions). */
  get heldCount(): number {
    return this.#known.size;
  }

  /** How many (peer, packet) resends are queued, and delivered sequence numbers kept above the prefixes. */
  get queuedCount(): number {
    let queued = this.#done.extraSize;
    for (const keys of this.#unacked.values()) queued += keys.size;
    return queued;
  }

  /** Every data message this node holds, in the order it learned them. */
  protected heldData(): DataMessage[] {
    return [...this.#known.values()].filter((p): p is DataMessage => p.type === "data");
  }

  #sendProgress(): void {
    const msg: ProgressMessage = {
      type: "progress",
      incarnation: this.#incarnation,
      prefix: this.#done.prefix(),
    };
    for (const peer of this.env.cluster) {
      if (peer !== this.env.self && !this.#stopped.has(peer)) this.env.send(peer, msg);
    }
  }

  /** A peer's report: remember it; if the peer restarted since its last report, queue what it lacks. */
  #onProgress(from: NodeId, msg: ProgressMessage): void {
    if (!this.#reporting()) return;
    const before = this.#reports.get(from);
    if (before !== undefined && msg.incarnation < before.incarnation) return; // from an older life
    this.#reports.set(from, { prefix: msg.prefix, incarnation: msg.incarnation });
    if (msg.incarnation > (before?.incarnation ?? 0)) {
      this.#stopped.delete(from);
      const keys = this.#unacked.get(from) ?? new Set<string>();
      this.#unacked.set(from, keys);
      for (const [key, p] of this.#known) {
        if (p.type === "data" && p.seq > (msg.prefix[p.origin] ?? 0)) keys.add(key);
      }
    }
  }

  /** Drops every message that every node not known stopped has reported delivered. */
  #collect(): void {
    const stable = this.#done.prefix();
    for (const peer of this.env.cluster) {
      if (peer === this.env.self || this.#stopped.has(peer)) continue;
      const report = this.#reports.get(peer);
      if (report === undefined) return;
      for (let o = 0; o < stable.length; o++) {
        stable[o] = Math.min(stable[o] ?? 0, report.prefix[o] ?? 0);
      }
    }
    for (const [key, p] of this.#known) {
      if (p.type !== "data" || p.seq > (stable[p.origin] ?? 0)) continue;
      this.#known.delete(key);
      for (const keys of this.#unacked.values()) keys.delete(key);
      if (p.origin === this.env.self && this.#durable) this.#store.forgetOwn(p.seq);
    }
  }

  /** A peer that speaks is up and reachable: resend to it at the full rate again. */
  #heardFrom(peer: NodeId): void {
    const b = this.#backoff.get(peer);
    if (b !== undefined && b.every > 1) this.#backoff.set(peer, { every: 1, due: this.#tick + 1 });
  }

  #nextWorkMs(): number {
    return this.config.workEveryMs * (0.5 + this.env.random());
  }

  /** `#foreign` over every decision and message an epoch opening or flush answer carries. */
  #foreignItems(msg: EpochMessage | FlushMessage | FlushedMessage): string | undefined {
    if (msg.type === "flush") return undefined;
    for (const item of [...msg.orders, ...msg.data]) {
      const problem = this.#foreign(item);
      if (problem !== undefined) return `${msg.type} item: ${problem}`;
    }
    return undefined;
  }

  /** Why a well-formed packet cannot be accepted here (names a node outside the cluster), or undefined. */
  #foreign(msg: Packet): string | undefined {
    if (msg.type === "epoch") return this.#foreignItems(msg);
    const n = this.env.cluster.length;
    if (msg.origin >= n) return `origin: expected a node below ${n}, got ${msg.origin}`;
    if (msg.type === "data" && msg.vc.length > n) {
      return `vc: expected at most ${n} entries, got ${msg.vc.length}`;
    }
    if (
      msg.type === "data" &&
      this.config.variant === "causal" &&
      vectorAt(msg.vc, msg.origin) !== msg.seq
    ) {
      return `vc[${msg.origin}]: expected the seq ${msg.seq}, got ${vectorAt(msg.vc, msg.origin)}`;
    }
    return undefined;
  }

  /** A packet seen for the first time: keep it, spread it, hand it to the ordering layer. */
  #learn(p: Packet, from: NodeId | undefined): void {
    const key = packetKey(p);
    this.#known.set(key, p);
    const fromOrigin = from !== undefined && p.type === "data" && from === p.origin;
    const spread = this.config.variant !== "best-effort" || from === undefined;
    if (spread) {
      for (const peer of this.env.cluster) {
        if (peer === this.env.self || peer === from) continue;
        if (fromOrigin && peer === p.origin) continue;
        this.env.send(peer, p);
        if (this.config.variant !== "best-effort") this.#unacked.get(peer)?.add(key);
      }
    }
    if (p.type === "data") {
      if (!this.#done.has(p.origin, p.seq)) this.onData(p);
    } else if (p.type === "order") this.#total?.onOrder(p);
    else this.#total?.onEpoch(p);
  }

  /** The ordering layer: a data message arrived for the first time. Overridable to plant bugs in tests. */
  protected onData(m: DataMessage): void {
    switch (this.config.variant) {
      case "best-effort":
      case "reliable":
        this.deliver(m);
        return;
      case "fifo":
      case "causal":
        this.#pending.set(packetKey(m), m);
        this.#drainPending();
        return;
      case "total":
        this.#total?.onData(m);
        return;
      case "total-elect":
        return; // ordered by the subclass that hosts the elected sequencer
    }
  }

  /** Whether `m` may be delivered now (FIFO and causal). Overridable to plant bugs in tests. */
  protected ready(m: DataMessage): boolean {
    const mine = vectorAt(this.delivered, m.origin);
    if (m.seq !== mine + 1) return false;
    if (this.config.variant !== "causal") return true;
    for (let k = 0; k < m.vc.length; k++) {
      if (k !== m.origin && vectorAt(m.vc, k) > vectorAt(this.delivered, k)) return false;
    }
    return true;
  }

  #drainPending(): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const [key, m] of this.#pending) {
        if (!this.ready(m)) continue;
        this.#pending.delete(key);
        this.deliver(m);
        progress = true;
      }
    }
  }

  /** The total-order layer of this node. Overridable to plant bugs in tests. */
  protected createTotalOrder(host: TotalOrderHost, firstSequencer: NodeId): TotalOrder {
    return new TotalOrder(host, firstSequencer);
  }

  #totalHost(): TotalOrderHost {
    const known = this.#known;
    return {
      self: this.env.self,
      cluster: this.env.cluster,
      data: (origin, seq) => {
        const p = known.get(`d${origin}.${seq}`);
        return p?.type === "data" ? p : undefined;
      },
      allData: () => [...known.values()].filter((p): p is DataMessage => p.type === "data"),
      spread: (p) => {
        if (!known.has(packetKey(p))) this.#learn(p, undefined);
      },
      send: (to, msg) => this.env.send(to, msg),
      deliver: (m) => this.deliver(m),
      opened: (epoch, closes) =>
        this.env.emit({ type: "sequencerEpoch", epoch, closes: [...closes] }),
      warn: (message, fields) => this.env.log.warn(message, fields),
    };
  }

  /** The vector stamp of this node's next broadcast: what it delivered, its own entry its next seq. */
  #causalStamp(): number[] {
    const stamp = [...this.delivered];
    while (stamp.length <= this.env.self) stamp.push(0);
    stamp[this.env.self] = this.#mySeq;
    return stamp;
  }

  /** Hands `m` to the application: records it (durably first, when rejoining), emits `deliver` and counts it. */
  protected deliver(m: DataMessage): void {
    this.delivered = vectorTick(this.delivered, m.origin);
    this.#done.add(m.origin, m.seq);
    if (this.#durable) this.#store.saveDelivered(this.#done);
    this.#deliveredCount++;
    this.env.emit({
      type: "deliver",
      id: messageId(m.origin, m.seq),
      origin: m.origin,
      body: m.body,
    });
  }
}
