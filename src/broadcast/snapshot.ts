import { assert, describeValue, type Env, type NodeId, type ProtocolNode } from "../core/index.js";
import type { ChannelMessage, SnapshotMessage, TransferMessage } from "./snapshot-messages.js";

/** Timer tags of a bank node. */
export type SnapshotTimer = "transfer" | "snapshot" | "resend";

/** How a bank node behaves. */
export interface SnapshotConfig {
  /** Every account starts with this much; the total is this times the node count. */
  readonly initialBalance: number;
  /** Each node sends a transfer about every this many ms (jittered ×0.5–1.5). */
  readonly transferEveryMs: number;
  /** The initiator starts a snapshot every this many ms. */
  readonly snapshotEveryMs: number;
  /** The node that starts snapshots. */
  readonly initiator: number;
  /** No transfers or new snapshots once the node's clock reads this. */
  readonly untilMs: number;
  /** Every this many ms a node resends what each channel's receiver has not acknowledged. */
  readonly resendMs: number;
}

/** 1,000 per account, a transfer every 30 ms, a snapshot by n0 every 700 ms, for 8 s. */
export const SNAPSHOT_DEFAULTS: SnapshotConfig = {
  initialBalance: 1_000,
  transferEveryMs: 30,
  snapshotEveryMs: 700,
  initiator: 0,
  untilMs: 8_000,
  resendMs: 100,
};

/** The first problem of a configuration, or undefined. */
export function checkSnapshotConfig(c: SnapshotConfig): string | undefined {
  const ok = (v: number) => typeof v === "number" && Number.isFinite(v) && v > 0;
  if (!Number.isSafeInteger(c.initialBalance) || c.initialBalance < 0) {
    return `initialBalance: expected a non-negative integer, got ${describeValue(c.initialBalance)}`;
  }
  if (!ok(c.transferEveryMs))
    return `transferEveryMs: expected a number > 0, got ${describeValue(c.transferEveryMs)}`;
  if (!ok(c.snapshotEveryMs))
    return `snapshotEveryMs: expected a number > 0, got ${describeValue(c.snapshotEveryMs)}`;
  if (!Number.isSafeInteger(c.initiator) || c.initiator < 0) {
    return `initiator: expected a node id, got ${describeValue(c.initiator)}`;
  }
  if (!ok(c.resendMs)) return `resendMs: expected a number > 0, got ${describeValue(c.resendMs)}`;
  if (typeof c.untilMs !== "number" || !(c.untilMs >= 0))
    return `untilMs: expected a number >= 0, got ${describeValue(c.untilMs)}`;
  return undefined;
}

/** One snapshot in progress at this node. */
interface Recording {
  readonly balance: number;
  /** Incoming channels (by sender) still recorded, and what each recorded so far. */
  readonly open: Set<NodeId>;
  readonly channels: Map<NodeId, number[]>;
}

/**
 * A bank account that moves money to random peers, and the Chandy–Lamport
 * (1985) marker algorithm recording a global state of the bank.
 *
 * Channels are made reliable, FIFO and duplicate-free here (the algorithm
 * needs all three): each message carries its channel sequence number, is
 * resent every `resendMs` until the receiver acknowledges it (cumulatively),
 * and is held back at the receiver until its predecessors arrived.
 *
 * On the first marker of snapshot s (or on starting it) a node records its
 * balance, sends a marker on every outgoing channel and records each incoming
 * channel until that channel's marker arrives; the first marker's channel is
 * recorded empty. Several snapshots may run at once.
 *
 * Emits `sent` and `received` (`{from, to, ch, amount}`) for each transfer,
 * `recorded` (`{snap, balance}`) when it records its state, and
 * `snapshotDone` (`{snap, balance, channels: [{from, amounts}]}`) when every
 * incoming channel of s is closed.
 */
export class SnapshotBankNode implements ProtocolNode<SnapshotMessage, SnapshotTimer> {
  readonly config: SnapshotConfig;
  protected env!: Env<SnapshotMessage, SnapshotTimer>;
  #balance = 0;
  #nextSnap = 1;
  readonly #sendSeq = new Map<NodeId, number>();
  readonly #recvNext = new Map<NodeId, number>();
  readonly #held = new Map<NodeId, Map<number, ChannelMessage>>();
  /** Per outgoing channel: messages sent and not yet acknowledged, by channel number. */
  readonly #outbox = new Map<NodeId, Map<number, ChannelMessage>>();
  readonly #recordings = new Map<number, Recording>();

  constructor(config: SnapshotConfig) {
    this.config = config;
  }

  start(env: Env<SnapshotMessage, SnapshotTimer>, recovered: boolean): void {
    this.env = env;
    assert(
      !recovered,
      "the snapshot bank assumes no crashes (Chandy–Lamport has no failure model)",
    );
    this.#balance = this.config.initialBalance;
    env.setTimer(this.#jitter(this.config.transferEveryMs), "transfer");
    if (env.self === this.config.initiator) env.setTimer(this.config.snapshotEveryMs, "snapshot");
    env.setTimer(this.config.resendMs, "resend");
  }

  /** The account's balance now. */
  get balance(): number {
    return this.#balance;
  }

  /** Starts snapshot number `snap` here (the initiator's own step). */
  initiate(): number {
    const snap = this.#nextSnap++;
    this.#record(snap, undefined);
    return snap;
  }

  onMessage(from: NodeId, msg: SnapshotMessage): void {
    if (from >= this.env.cluster.length || from === this.env.self) {
      this.env.log.warn("dropped a message from outside the cluster", { from });
      return;
    }
    if (msg.type === "chack") {
      const out = this.#outbox.get(from);
      for (const ch of out?.keys() ?? []) if (ch <= msg.upTo) out?.delete(ch);
      return;
    }
    const next = this.#recvNext.get(from) ?? 1;
    if (msg.ch >= next) {
      const held = this.#held.get(from) ?? this.#held.set(from, new Map()).get(from)!;
      held.set(msg.ch, msg);
      this.#drain(from, held);
    }
    this.env.send(from, { type: "chack", upTo: (this.#recvNext.get(from) ?? 1) - 1 });
  }

  onTimer(tag: SnapshotTimer): void {
    if (tag === "resend") {
      for (const [to, out] of this.#outbox) for (const m of out.values()) this.env.send(to, m);
      this.env.setTimer(this.config.resendMs, "resend");
      return;
    }
    if (this.env.now() >= this.config.untilMs) return;
    if (tag === "snapshot") {
      this.initiate();
      this.env.setTimer(this.config.snapshotEveryMs, "snapshot");
      return;
    }
    const peers = this.env.cluster.filter((p) => p !== this.env.self);
    const to = peers[Math.floor(this.env.random() * peers.length)];
    const amount = Math.floor(this.env.random() * (this.#balance / 10 + 1));
    if (to !== undefined && amount > 0) {
      this.#balance -= amount;
      const ch = this.#send(to, (c) => ({ type: "transfer", ch: c, amount }));
      this.env.emit({ type: "sent", from: this.env.self, to, ch, amount });
    }
    this.env.setTimer(this.#jitter(this.config.transferEveryMs), "transfer");
  }

  /**
   * The held messages of a channel to hand up now, and the channel's new next
   * expected number (all below it received): in channel order, each once its
   * predecessors arrived. Overridable to plant bugs in tests.
   */
  protected drainOrder(
    held: Map<number, ChannelMessage>,
    next: number,
  ): { deliver: ChannelMessage[]; next: number } {
    const deliver: ChannelMessage[] = [];
    for (let m = held.get(next); m !== undefined; m = held.get(next)) {
      held.delete(next);
      deliver.push(m);
      next++;
    }
    return { deliver, next };
  }

  #drain(from: NodeId, held: Map<number, ChannelMessage>): void {
    const { deliver, next } = this.drainOrder(held, this.#recvNext.get(from) ?? 1);
    this.#recvNext.set(from, next);
    for (const m of deliver) {
      if (m.type === "transfer") this.#onTransfer(from, m);
      else this.#onMarker(from, m.snap);
    }
  }

  #onTransfer(from: NodeId, m: TransferMessage): void {
    this.#balance += m.amount;
    this.env.emit({ type: "received", from, to: this.env.self, ch: m.ch, amount: m.amount });
    for (const r of this.#recordings.values()) {
      if (r.open.has(from)) r.channels.get(from)!.push(m.amount);
    }
  }

  #onMarker(from: NodeId, snap: number): void {
    const r = this.#recordings.get(snap);
    if (r === undefined) {
      this.#record(snap, from);
      return;
    }
    if (!r.open.delete(from)) {
      this.env.log.warn("a second marker on one channel", { from, snap });
      return;
    }
    this.#maybeDone(snap, r);
  }

  /** Records the local state for `snap` and sends its markers; `via` is the channel whose marker started it. */
  #record(snap: number, via: NodeId | undefined): void {
    const peers = this.env.cluster.filter((p) => p !== this.env.self);
    const r: Recording = {
      balance: this.#balance,
      open: new Set(peers.filter((p) => p !== via)),
      channels: new Map(peers.map((p) => [p, []])),
    };
    this.#recordings.set(snap, r);
    this.env.emit({ type: "recorded", snap, balance: r.balance });
    for (const p of peers) this.#send(p, (ch) => ({ type: "marker", ch, snap }));
    this.#maybeDone(snap, r);
  }

  #maybeDone(snap: number, r: Recording): void {
    if (r.open.size > 0) return;
    const channels = [...r.channels].map(([from, amounts]) => ({ from, amounts: [...amounts] }));
    this.env.emit({ type: "snapshotDone", snap, balance: r.balance, channels });
    this.#recordings.delete(snap);
  }

  #send(to: NodeId, make: (ch: number) => ChannelMessage): number {
    const ch = (this.#sendSeq.get(to) ?? 0) + 1;
    this.#sendSeq.set(to, ch);
    const msg = make(ch);
    const out = this.#outbox.get(to) ?? this.#outbox.set(to, new Map()).get(to)!;
    out.set(ch, msg);
    this.env.send(to, msg);
    return ch;
  }

  #jitter(ms: number): number {
    return ms * (0.5 + this.env.random());
  }
}
