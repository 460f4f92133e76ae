import { assert, type DurableStorage, type NodeId, type StoredValue } from "../core/index.js";
import type { ElectedOrderMessage } from "./elected-messages.js";
import { type DataMessage, messageId } from "./messages.js";

/** What the elected sequencer needs from the node that hosts it. */
export interface ElectedOrderHost {
  readonly self: NodeId;
  readonly cluster: readonly NodeId[];
  send(to: NodeId, msg: ElectedOrderMessage): void;
  /** Every data message this node holds, in the order it learned them. */
  allData(): readonly DataMessage[];
  deliver(m: DataMessage): void;
  /** This node now sequences `ballot`: it recovered a log of `length` entries, `commit` of them committed. */
  established(ballot: number, length: number, commit: number): void;
  warn(message: string, fields: Record<string, unknown>): void;
  /**
   * Where the promise, the log and the delivery point are kept (synced before
   * any answer that relies on them), so a restarted node can rejoin; without
   * it nothing is kept and a restarted node must stay out.
   */
  readonly storage?: DurableStorage;
}

const PROMISED_KEY = "broadcast/elected/promised";
const LOG_BALLOT_KEY = "broadcast/elected/logBallot";
const LENGTH_KEY = "broadcast/elected/length";
const APPLIED_KEY = "broadcast/elected/applied";
const ENTRY_PREFIX = "broadcast/elected/log/";

/** Most entries one `append` carries beyond what a follower must receive at once. */
export const APPEND_WINDOW = 64;
/** Resend ticks a sequencer that lost its ballot waits before it tries a higher one. */
export const RETRY_TICKS = 4;

type Promise_ = Extract<ElectedOrderMessage, { type: "promise" }>;

interface Lead {
  readonly ballot: number;
  phase: "preparing" | "leading";
  readonly promises: Map<NodeId, Promise_>;
  /** Per follower: how many of its first entries agree with this log (known), once it answered. */
  readonly match: Map<NodeId, number>;
  /** Length of the log recovered at establishment: a follower takes it whole before it counts in this ballot. */
  base: number;
  /** Per peer: resend ticks between repeats (doubling while it stays silent, up to `RESEND_BACKOFF`) and the next one due. */
  readonly quiet: Map<NodeId, { every: number; due: number }>;
}

/** A silent peer is sent a repeat at most every this many resend ticks. */
export const RESEND_BACKOFF = 8;

/**
 * Total order as a replicated log of data messages, sequenced by whichever
 * node the election names, with a majority behind every delivery.
 *
 * The sequencer of a ballot (unique to its node: ballot ≡ its index mod n)
 * first sends `prepare`; a node that has promised no higher ballot promises
 * this one (it will accept nothing older) and answers with its log past the
 * sequencer's committed prefix and the ballot that last wrote it. With a
 * majority of promises the sequencer recovers the log: its own committed
 * prefix followed by the answer with the highest (log ballot, length), which
 * holds every entry any earlier ballot committed. It then appends each new
 * data message it learns and sends every follower the log past what that
 * follower is known to agree with (a follower that was last written by an
 * older ballot first takes the whole recovered log at once, replacing its
 * uncommitted tail). An entry is committed once a majority holds it in the
 * current ballot; every node delivers committed entries in log order, each
 * message once.
 *
 * Guarantees: (safety, under any loss, delay, partition, and detector
 * mistakes that make two nodes sequence at once) no two nodes deliver
 * different messages at one log position, so delivery order is total and
 * uniform — a crashed node's deliveries agree with everyone's. (Liveness)
 * once the election settles on one live node that a majority can reach, every
 * message some correct node holds is delivered by every correct node.
 * Crash-recovery with `host.storage`: the promise, the log (with its
 * ballot) and the delivery point are synced before every promise, acceptance,
 * count of the sequencer's own copy and delivery, so a restarted node keeps
 * its word (quorum intersection holds) and never delivers a position twice;
 * `restore` reads them back. Without storage a restarted node must stay out.
 */
export class ElectedOrder {
  readonly #host: ElectedOrderHost;
  /** The highest ballot this node promised: it accepts nothing older. */
  #promised = 0;
  /** The highest ballot heard of (a new ballot is minted above it). */
  #seen = 0;
  readonly #log: DataMessage[] = [];
  /** The ballot whose sequencer last wrote this log: its first entries agree with that sequencer's log. */
  #logBallot = 0;
  #commit = 0;
  #applied = 0;
  readonly #delivered = new Set<string>();
  #wantLead = false;
  #lead: Lead | undefined;
  #inLog = new Set<string>();
  #retry = 0;
  #ticks = 0;
  /** How many log entries storage holds (entries past it are stale keys to delete). */
  #storedLength = 0;

  constructor(host: ElectedOrderHost) {
    this.#host = host;
  }

  /**
   * Reads the kept state back after a restart. Returns false (and keeps
   * nothing) when it is unreadable: the node must then stay out.
   */
  restore(): boolean {
    const storage = this.#host.storage;
    if (storage === undefined) return false;
    const nat = (v: StoredValue | undefined): number | undefined =>
      typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
    const promised = nat(storage.get(PROMISED_KEY) ?? 0);
    const logBallot = nat(storage.get(LOG_BALLOT_KEY) ?? 0);
    const length = nat(storage.get(LENGTH_KEY) ?? 0);
    const applied = nat(storage.get(APPLIED_KEY) ?? 0);
    if (promised === undefined || logBallot === undefined || length === undefined) return false;
    if (applied === undefined || applied > length) return false;
    const log: DataMessage[] = [];
    for (let i = 0; i < length; i++) {
      const e = storage.get(`${ENTRY_PREFIX}${i}`);
      if (typeof e !== "object" || e === null || Array.isArray(e) || e instanceof Uint8Array) {
        return false;
      }
      const r = e as { readonly [key: string]: StoredValue };
      const origin = nat(r.origin);
      const seq = nat(r.seq);
      if (origin === undefined || seq === undefined || typeof r.body !== "string") return false;
      const vc = Array.isArray(r.vc)
        ? (r.vc as readonly StoredValue[]).filter(Number.isSafeInteger)
        : [];
      log.push({ type: "data", origin, seq, body: r.body, vc: vc as number[] });
    }
    this.#promised = promised;
    this.#seen = promised;
    this.#logBallot = logBallot;
    this.#log.push(...log);
    this.#storedLength = length;
    this.#applied = applied;
    this.#commit = applied;
    for (const m of log.slice(0, applied)) this.#delivered.add(messageId(m.origin, m.seq));
    return true;
  }

  /** Keeps the promise, the log ballot and the log from position `from` on, then syncs. */
  #persist(from: number): void {
    const storage = this.#host.storage;
    if (storage === undefined) return;
    storage.put(PROMISED_KEY, this.#promised);
    storage.put(LOG_BALLOT_KEY, this.#logBallot);
    for (let i = from; i < this.#log.length; i++) {
      const m = this.#log[i]!;
      storage.put(`${ENTRY_PREFIX}${i}`, {
        origin: m.origin,
        seq: m.seq,
        body: m.body,
        vc: [...m.vc],
      });
    }
    for (let i = this.#log.length; i < this.#storedLength; i++)
      storage.delete(`${ENTRY_PREFIX}${i}`);
    this.#storedLength = this.#log.length;
    storage.put(LENGTH_KEY, this.#log.length);
    storage.sync();
  }

  /** The majority size of the cluster. */
  get majority(): number {
    return Math.floor(this.#host.cluster.length / 2) + 1;
  }

  /** The ballot this node sequences once established, or undefined. */
  get leading(): number | undefined {
    return this.#lead?.phase === "leading" ? this.#lead.ballot : undefined;
  }

  /** How many log entries are known committed here. */
  get commit(): number {
    return this.#commit;
  }

  /** The election's view changed: `leader` leads (undefined: none known). */
  onLeader(leader: NodeId | undefined): void {
    this.#wantLead = leader === this.#host.self;
    if (!this.#wantLead) this.#lead = undefined;
    else if (this.#lead === undefined) this.#startLead();
  }

  /** A data message this node learned for the first time. */
  onData(m: DataMessage): void {
    const lead = this.#lead;
    if (lead === undefined || lead.phase !== "leading") return;
    this.#propose(lead, m);
  }

  /** The resend tick: repeat what may have been lost, retry a lost ballot. */
  tick(): void {
    const lead = this.#lead;
    if (lead === undefined) {
      if (this.#wantLead && this.#retry-- <= 0) this.#startLead();
      return;
    }
    this.#ticks++;
    for (const peer of this.#peers()) {
      const q = lead.quiet.get(peer) ?? { every: 1, due: 0 };
      if (this.#ticks < q.due) continue;
      lead.quiet.set(peer, {
        every: Math.min(q.every * 2, RESEND_BACKOFF),
        due: this.#ticks + q.every,
      });
      if (lead.phase === "preparing" || !lead.match.has(peer)) {
        if (!lead.promises.has(peer)) this.#host.send(peer, this.#prepare(lead));
        continue;
      }
      this.#sendAppend(lead, peer, lead.match.get(peer) ?? 0);
    }
  }

  onMessage(from: NodeId, msg: ElectedOrderMessage): void {
    this.#seen = Math.max(this.#seen, msg.type === "reject" ? msg.promised : msg.ballot);
    if (this.#lead?.ballot === msg.ballot && (msg.type === "promise" || msg.type === "accepted")) {
      this.#lead.quiet.delete(from); // it answers: repeat to it at the full rate again
    }
    switch (msg.type) {
      case "prepare":
        this.#onPrepare(from, msg.ballot, msg.commit);
        return;
      case "append":
        this.#onAppend(from, msg);
        return;
      case "promise":
        this.#onPromise(from, msg);
        return;
      case "reject":
        if (this.#lead?.ballot === msg.ballot) this.#abdicate();
        return;
      case "accepted": {
        const lead = this.#lead;
        if (lead?.ballot !== msg.ballot || lead.phase !== "leading") return;
        const length = Math.min(msg.length, this.#log.length);
        lead.match.set(from, Math.max(lead.match.get(from) ?? 0, length));
        this.#advanceCommit(lead);
        return;
      }
    }
  }

  #peers(): NodeId[] {
    return this.#host.cluster.filter((p) => p !== this.#host.self);
  }

  /** A ballot above every one heard of, congruent to this node's index modulo n. */
  #mint(): number {
    const n = this.#host.cluster.length;
    const slot = Math.max(0, this.#host.cluster.indexOf(this.#host.self));
    let b = Math.max(this.#seen, this.#promised) + 1;
    b += (((slot - b) % n) + n) % n;
    return b;
  }

  #prepare(lead: Lead): ElectedOrderMessage {
    return { type: "prepare", ballot: lead.ballot, commit: this.#commit };
  }

  #startLead(): void {
    const ballot = this.#mint();
    this.#seen = ballot;
    this.#promised = ballot;
    this.#persist(this.#log.length);
    const lead: Lead = {
      ballot,
      phase: "preparing",
      promises: new Map(),
      match: new Map(),
      base: 0,
      quiet: new Map(),
    };
    lead.promises.set(this.#host.self, this.#promiseFor(ballot, this.#commit));
    this.#lead = lead;
    for (const peer of this.#peers()) this.#host.send(peer, this.#prepare(lead));
    this.#maybeEstablish(lead);
  }

  #abdicate(): void {
    this.#lead = undefined;
    this.#retry = RETRY_TICKS;
  }

  /** This node's answer to the `prepare` of `ballot` from a sequencer whose committed prefix is `commit` long. */
  #promiseFor(ballot: number, commit: number): Promise_ {
    const from = Math.min(commit, this.#log.length);
    return {
      type: "promise",
      ballot,
      logBallot: this.#logBallot,
      length: this.#log.length,
      commit: this.#commit,
      from,
      entries: this.#log.slice(from),
    };
  }

  /** Promises `ballot` if it is not older than the promise held; a sequencer of an older ballot steps aside. */
  #promise(ballot: number): boolean {
    if (ballot < this.#promised) return false;
    if (ballot > this.#promised) {
      this.#promised = ballot;
      this.#persist(this.#log.length);
    }
    if (this.#lead !== undefined && this.#lead.ballot < ballot) this.#abdicate();
    return true;
  }

  #onPrepare(from: NodeId, ballot: number, commit: number): void {
    if (this.#promise(ballot)) this.#host.send(from, this.#promiseFor(ballot, commit));
    else this.#host.send(from, { type: "reject", ballot, promised: this.#promised });
  }

  #onPromise(from: NodeId, msg: Promise_): void {
    const lead = this.#lead;
    if (lead?.ballot !== msg.ballot) return;
    if (lead.phase === "preparing") {
      lead.promises.set(from, msg);
      this.#maybeEstablish(lead);
    } else if (!lead.match.has(from)) {
      // A late answer: its committed prefix agrees with this log; send it the rest.
      lead.promises.set(from, msg);
      lead.match.set(from, Math.min(msg.commit, msg.length, this.#log.length));
      this.#sendAppend(lead, from, lead.match.get(from) ?? 0);
    }
  }

  /** With a majority of promises: recover the log, then sequence. Overridable to plant bugs in tests. */
  protected recover(
    own: readonly DataMessage[],
    ownCommit: number,
    promises: readonly Promise_[],
  ): DataMessage[] {
    let best = promises[0];
    for (const p of promises) {
      if (
        best === undefined ||
        p.logBallot > best.logBallot ||
        (p.logBallot === best.logBallot && p.length > best.length)
      ) {
        best = p;
      }
    }
    assert(best !== undefined, "recovery without a promise");
    assert(
      best.from <= ownCommit && best.length >= ownCommit,
      () =>
        `the chosen log (${best.length} long, from ${best.from}) lacks the committed prefix (${ownCommit})`,
    );
    return [...own.slice(0, best.from), ...best.entries];
  }

  #maybeEstablish(lead: Lead): void {
    if (lead.phase !== "preparing" || lead.promises.size < this.majority) return;
    const promises = [...lead.promises.values()];
    const log = this.recover(this.#log, this.#commit, promises);
    let same = 0;
    while (same < log.length && same < this.#log.length && log[same] === this.#log[same]) same++;
    this.#log.length = 0;
    this.#log.push(...log);
    this.#logBallot = lead.ballot;
    this.#persist(same);
    for (const p of promises) this.#commit = Math.max(this.#commit, p.commit);
    this.#commit = Math.min(this.#commit, this.#log.length);
    lead.phase = "leading";
    lead.base = this.#log.length;
    for (const [peer, p] of lead.promises) {
      if (peer !== this.#host.self)
        lead.match.set(peer, Math.min(p.commit, p.length, this.#log.length));
    }
    this.#inLog = new Set(this.#log.map((d) => messageId(d.origin, d.seq)));
    this.#host.established(lead.ballot, this.#log.length, this.#commit);
    for (const d of this.#host.allData()) this.#propose(lead, d, false);
    for (const [peer, m] of lead.match) this.#sendAppend(lead, peer, m);
    this.#advanceCommit(lead);
  }

  #propose(lead: Lead, m: DataMessage, send = true): void {
    const id = messageId(m.origin, m.seq);
    if (this.#inLog.has(id)) return;
    this.#inLog.add(id);
    this.#log.push(m);
    const at = this.#log.length - 1;
    this.#persist(at);
    if (send) for (const peer of lead.match.keys()) this.#sendAppend(lead, peer, at, 1);
    this.#advanceCommit(lead);
  }

  /** Sends `peer` the log from `from`: at least up to the recovered length, at most `APPEND_WINDOW` past it. */
  #sendAppend(lead: Lead, peer: NodeId, from: number, count = APPEND_WINDOW): void {
    const to = Math.min(this.#log.length, Math.max(lead.base, from + count));
    this.#host.send(peer, {
      type: "append",
      ballot: lead.ballot,
      from,
      entries: this.#log.slice(from, to),
      commit: this.#commit,
    });
  }

  #onAppend(from: NodeId, msg: Extract<ElectedOrderMessage, { type: "append" }>): void {
    if (!this.#promise(msg.ballot)) {
      this.#host.send(from, { type: "reject", ballot: msg.ballot, promised: this.#promised });
      return;
    }
    if (this.#lead?.ballot === msg.ballot) return; // an echo of this node's own ballot
    const same = this.#logBallot === msg.ballot;
    const agreed = same ? this.#log.length : Math.min(this.#commit, this.#log.length);
    if (msg.from > agreed) {
      this.#host.send(from, { type: "accepted", ballot: msg.ballot, length: agreed });
      return;
    }
    const before = this.#log.length;
    if (same) {
      for (let i = this.#log.length - msg.from; i < msg.entries.length; i++) {
        this.#log.push(msg.entries[i]!);
      }
      if (this.#log.length > before) this.#persist(before);
    } else {
      // Taking a new sequencer's log: drop the uncommitted tail, take its whole recovered log.
      this.#log.length = msg.from;
      this.#log.push(...msg.entries);
      this.#logBallot = msg.ballot;
      this.#persist(msg.from);
      assert(
        this.#log.length >= this.#commit,
        () =>
          `a new ballot's log (${this.#log.length}) is shorter than the commit (${this.#commit})`,
      );
    }
    this.#commit = Math.max(this.#commit, Math.min(msg.commit, this.#log.length));
    this.#host.send(from, { type: "accepted", ballot: msg.ballot, length: this.#log.length });
    this.#apply();
  }

  /** The sequencer commits every entry a majority holds in its ballot. */
  #advanceCommit(lead: Lead): void {
    if (lead.phase !== "leading") return;
    const lengths = this.#host.cluster.map((p) =>
      p === this.#host.self ? this.#log.length : (lead.match.get(p) ?? 0),
    );
    lengths.sort((a, b) => b - a);
    const agreed = lengths[this.majority - 1] ?? 0;
    if (agreed > this.#commit) {
      this.#commit = agreed;
      // Tell the followers at once rather than with the next entry or resend tick.
      for (const [peer, m] of lead.match) if (m >= lead.base) this.#sendAppend(lead, peer, m, 0);
    }
    this.#apply();
  }

  #apply(): void {
    while (this.#applied < this.#commit) {
      const m = this.#log[this.#applied++];
      assert(m !== undefined, "a committed entry is missing");
      const id = messageId(m.origin, m.seq);
      if (this.#delivered.has(id)) {
        this.#host.warn("a message in the log twice; delivered once", { id });
        continue;
      }
      this.#delivered.add(id);
      if (this.#host.storage !== undefined) {
        this.#host.storage.put(APPLIED_KEY, this.#applied);
        this.#host.storage.sync();
      }
      this.#host.deliver(m);
    }
  }
}
