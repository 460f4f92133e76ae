import type { NodeId } from "../core/index.js";
import type {
  DataMessage,
  EpochMessage,
  FlushedMessage,
  FlushMessage,
  OrderMessage,
} from "./messages.js";

/** What the total-order layer needs from the node that hosts it. */
export interface TotalOrderHost {
  readonly self: NodeId;
  readonly cluster: readonly NodeId[];
  /** The data message (`origin`, `seq`) if this node holds it. */
  data(origin: NodeId, seq: number): DataMessage | undefined;
  /** Every data message this node holds, in the order it learned them. */
  allData(): readonly DataMessage[];
  /** Spread a packet reliably (relay, resend until acked) and handle it here too. */
  spread(p: OrderMessage | EpochMessage | DataMessage): void;
  send(to: NodeId, msg: FlushMessage | FlushedMessage): void;
  deliver(m: DataMessage): void;
  /** This node opened `epoch` as its sequencer, after closing the earlier epochs at `closes`. */
  opened(epoch: number, closes: readonly number[]): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

const dataKey = (origin: NodeId, seq: number) => `${origin}.${seq}`;
const rankKey = (epoch: number, rank: number) => `${epoch}.${rank}`;

/**
 * Total order by a sequencer, with failover when the sequencer fail-stops.
 *
 * Epoch e has sequencer `cluster[(first + e) mod n]`; epoch 0 is open from
 * the start. The sequencer ranks each data message it learns, once, and
 * spreads `order(epoch, rank)`; every node delivers epoch by epoch, rank by
 * rank, each once its message is held.
 *
 * When a node is told (`peerStopped`) that its epoch's sequencer stopped, the
 * first later epoch whose sequencer is not known stopped takes over: its
 * sequencer sends `flush` to every node not known stopped, and each answers
 * with what it holds of earlier epochs and from then on accepts no new
 * decisions of them. Once every such node answered, it closes each earlier
 * epoch at its longest gap-free prefix of ranks whose messages are held
 * somewhere, spreads the opening of the new epoch with those decisions and
 * messages, and ranks every message not yet ranked. A rank any surviving node
 * delivered was in its answer, so every surviving node delivers the same
 * sequence. Needs fail-stop notices: a silent crash is never detected, and a
 * flush waits for every node not known stopped.
 */
export class TotalOrder {
  readonly #host: TotalOrderHost;
  readonly #first: number;
  /** The epoch this node has joined; it accepts new decisions of this epoch only. */
  #epoch = 0;
  /** Whether this node is the sequencer of `#epoch` and may rank. */
  #open: boolean;
  #nextAssign = 1;
  readonly #closes: number[] = [];
  readonly #ranks = new Map<string, OrderMessage>();
  /** Data messages ranked in closed epochs (within their close) or in the open one. */
  readonly #ranked = new Set<string>();
  readonly #delivered = new Set<string>();
  #cursorEpoch = 0;
  #cursorRank = 1;
  readonly #stopped = new Set<NodeId>();
  #flush: { epoch: number; waiting: Set<NodeId>; answers: FlushedMessage[] } | undefined;

  constructor(host: TotalOrderHost, firstSequencer: number) {
    this.#host = host;
    this.#first = firstSequencer;
    this.#open = this.sequencerOf(0) === host.self;
  }

  /** The sequencer of `epoch`. */
  sequencerOf(epoch: number): NodeId {
    const n = this.#host.cluster.length;
    return this.#host.cluster[(this.#first + epoch) % n]!;
  }

  /** The epoch this node has joined. */
  get epoch(): number {
    return this.#epoch;
  }

  onData(m: DataMessage): void {
    if (this.#open) this.#rank(m);
    this.#drain();
  }

  onOrder(o: OrderMessage): void {
    const key = rankKey(o.epoch, o.rank);
    if (this.#ranks.has(key)) return;
    const close = this.#closes[o.epoch];
    const current = o.epoch === this.#epoch && close === undefined;
    if (!current && (close === undefined || o.rank > close)) return; // a decision of an epoch closed without it
    this.#ranks.set(key, o);
    if (current) this.#ranked.add(dataKey(o.origin, o.seq));
    this.#drain();
  }

  onEpoch(p: EpochMessage): void {
    if (p.epoch < this.#epoch) return;
    this.#join(p.epoch);
    for (let x = 0; x < p.closes.length; x++) this.#closes[x] ??= p.closes[x]!;
    for (const d of p.data)
      if (this.#host.data(d.origin, d.seq) === undefined) this.#host.spread(d);
    for (const o of p.orders) this.onOrder(o);
    this.#drain();
  }

  onFlush(from: NodeId, msg: FlushMessage): void {
    if (msg.epoch < this.#epoch) return;
    this.#join(msg.epoch);
    const orders = [...this.#ranks.values()].filter((o) => o.epoch < msg.epoch);
    const data = orders
      .map((o) => this.#host.data(o.origin, o.seq))
      .filter((d): d is DataMessage => d !== undefined);
    this.#host.send(from, {
      type: "flushed",
      epoch: msg.epoch,
      closes: [...this.#closes],
      orders,
      data,
    });
  }

  onFlushed(from: NodeId, msg: FlushedMessage): void {
    const f = this.#flush;
    if (f === undefined || msg.epoch !== f.epoch || !f.waiting.delete(from)) return;
    f.answers.push(msg);
    this.#maybeOpen();
  }

  /** A node fail-stopped: stop waiting for it, and take over if this node is next. */
  onStopped(peer: NodeId): void {
    this.#stopped.add(peer);
    this.#flush?.waiting.delete(peer);
    if (this.#flush !== undefined) {
      this.#maybeOpen();
      return;
    }
    if (!this.#stopped.has(this.sequencerOf(this.#epoch))) return;
    let next = this.#epoch + 1;
    while (
      this.#stopped.has(this.sequencerOf(next)) &&
      next <= this.#epoch + this.#host.cluster.length
    )
      next++;
    if (this.sequencerOf(next) === this.#host.self) this.#startFlush(next);
  }

  /** The nodes a flush must hear from: every node but this one not known stopped. Overridable to plant bugs in tests. */
  protected flushTargets(stopped: ReadonlySet<NodeId>): NodeId[] {
    return this.#host.cluster.filter((p) => p !== this.#host.self && !stopped.has(p));
  }

  /** Resends the flush to every node that has not answered (called on the resend timer). */
  resendFlush(): void {
    const f = this.#flush;
    if (f === undefined) return;
    for (const peer of f.waiting) this.#host.send(peer, { type: "flush", epoch: f.epoch });
  }

  #join(epoch: number): void {
    if (epoch === this.#epoch) return;
    this.#epoch = epoch;
    this.#open = false;
    if (this.#flush !== undefined && this.#flush.epoch < epoch) this.#flush = undefined;
  }

  #startFlush(epoch: number): void {
    this.#join(epoch);
    const waiting = new Set(this.flushTargets(this.#stopped));
    const own: FlushedMessage = {
      type: "flushed",
      epoch,
      closes: [...this.#closes],
      orders: [...this.#ranks.values()].filter((o) => o.epoch < epoch),
      data: [],
    };
    this.#flush = { epoch, waiting, answers: [own] };
    this.resendFlush();
    this.#maybeOpen();
  }

  /** Every node answered: close the earlier epochs, open this one, rank what is unranked. */
  #maybeOpen(): void {
    const f = this.#flush;
    if (f === undefined || f.waiting.size > 0) return;
    this.#flush = undefined;
    const orders = new Map<string, OrderMessage>();
    const data = new Map<string, DataMessage>();
    const closes: number[] = [];
    for (const a of f.answers) {
      a.closes.forEach((c, x) => {
        closes[x] ??= c;
      });
      for (const o of a.orders) orders.set(rankKey(o.epoch, o.rank), o);
      for (const d of a.data) data.set(dataKey(d.origin, d.seq), d);
    }
    const held = (o: OrderMessage) =>
      data.get(dataKey(o.origin, o.seq)) ?? this.#host.data(o.origin, o.seq);
    for (let x = 0; x < f.epoch; x++) {
      if (closes[x] !== undefined) continue;
      let r = 0;
      for (;;) {
        const o = orders.get(rankKey(x, r + 1));
        if (o === undefined || held(o) === undefined) break;
        r++;
      }
      closes[x] = r;
    }
    const kept = [...orders.values()].filter((o) => o.rank <= closes[o.epoch]!);
    const keptData = kept.map(held).filter((d): d is DataMessage => d !== undefined);
    this.#host.opened(f.epoch, closes);
    this.#host.spread({ type: "epoch", epoch: f.epoch, closes, orders: kept, data: keptData });
    this.#open = true;
    this.#nextAssign = 1;
    this.#ranked.clear();
    for (const o of kept) this.#ranked.add(dataKey(o.origin, o.seq));
    for (const d of this.#unranked()) this.#rank(d);
    this.#drain();
  }

  /** Data this node holds that no kept decision ranks, in the order it learned them. */
  #unranked(): DataMessage[] {
    return this.#host.allData().filter((d) => !this.#ranked.has(dataKey(d.origin, d.seq)));
  }

  #rank(m: DataMessage): void {
    const key = dataKey(m.origin, m.seq);
    if (this.#ranked.has(key)) return;
    this.#ranked.add(key);
    this.#host.spread({
      type: "order",
      epoch: this.#epoch,
      rank: this.#nextAssign++,
      origin: m.origin,
      seq: m.seq,
    });
  }

  #drain(): void {
    for (;;) {
      const close = this.#closes[this.#cursorEpoch];
      if (close !== undefined && this.#cursorRank > close) {
        this.#cursorEpoch++;
        this.#cursorRank = 1;
        continue;
      }
      const o = this.#ranks.get(rankKey(this.#cursorEpoch, this.#cursorRank));
      if (o === undefined) return;
      const m = this.#host.data(o.origin, o.seq);
      if (m === undefined) return;
      this.#cursorRank++;
      const key = dataKey(m.origin, m.seq);
      if (this.#delivered.has(key)) {
        this.#host.warn("a message ranked twice; delivered once", { key });
        continue;
      }
      this.#delivered.add(key);
      this.#host.deliver(m);
    }
  }
}
