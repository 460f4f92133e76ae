import type { Env, HostNotice, NodeId } from "../../core/index.js";
import { assert, assertNever } from "../../core/index.js";
import { EarliestTimer } from "../earliest-timer.js";
import type { DetectorNode, MemberView } from "../types.js";
import type { GossipConfig } from "./config.js";
import type { GossipEntry, GossipMsg, GossipTimer } from "./messages.js";

interface Row {
  incarnation: number;
  counter: number;
  /** Local time at which (incarnation, counter) last grew. */
  grewAtMs: number;
  /** Local time at which it was declared failed; undefined while alive. */
  failedAtMs: number | undefined;
  /** False for the placeholder rows a node starts with: they are watched but not gossiped. */
  heard: boolean;
}

const STORAGE_INCARNATION = "gossip.incarnation";

/** Whether heartbeat `a` is newer than `b`: a later life, or the same life and a larger counter. */
function outranks(
  a: { incarnation: number; counter: number },
  b: { incarnation: number; counter: number },
): boolean {
  return (
    a.incarnation > b.incarnation || (a.incarnation === b.incarnation && a.counter > b.counter)
  );
}

/**
 * Gossip-style failure detection (van Renesse, Minsky, Hayden 1998, §2).
 * Each member keeps a heartbeat counter per member and the local time it last
 * grew. Every T_gossip it bumps its own counter and sends its list to `fanout`
 * random members, which keep the larger counter of each row. A member whose
 * counter has not grown for T_fail is declared failed (event `dead`) and left
 * out of gossip; T_cleanup after that it is forgotten, so that stale copies
 * still travelling cannot bring it back. Gossip targets are drawn from the
 * whole cluster, failed members included, so healed partitions reconnect.
 * The rows a node starts with are placeholders, watched but not gossiped
 * until their counter grows, and a forgotten member leaves a tombstone with
 * its last heartbeat, so neither a restarted node nor a stale copy can bring
 * back a member that was failed and forgotten (the paper relies on T_cleanup
 * alone, which partitions defeat).
 *
 * Beyond the paper: counters are paired with an incarnation, synced to storage
 * and raised on every start, so a restarted member's fresh counter outranks
 * its old one; a failed member whose counter grows again is trusted (`trust`).
 */
export class GossipNode implements DetectorNode<GossipMsg, GossipTimer> {
  private env!: Env<GossipMsg, GossipTimer>;
  private readonly rows = new Map<NodeId, Row>();
  /** The last heartbeat of each forgotten member: stale copies at or below it cannot bring it back. */
  private readonly tombstones = new Map<NodeId, { incarnation: number; counter: number }>();
  private incarnation = 0;
  private counter = 0;
  private readonly checkTimer = new EarliestTimer<GossipTimer>("check");

  constructor(private readonly config: GossipConfig) {}

  start(env: Env<GossipMsg, GossipTimer>, _recovered: boolean): void {
    this.env = env;
    const stored = env.storage.get(STORAGE_INCARNATION);
    this.incarnation =
      (typeof stored === "number" && Number.isSafeInteger(stored) ? stored : -1) + 1;
    env.storage.put(STORAGE_INCARNATION, this.incarnation);
    env.storage.sync();
    const now = env.now();
    for (const id of env.cluster) {
      if (id === env.self) continue;
      this.rows.set(id, {
        incarnation: 0,
        counter: 0,
        grewAtMs: now,
        failedAtMs: undefined,
        heard: false,
      });
    }
    assert(
      this.rows.size < this.config.memberCountMax,
      () => `gossip: ${this.rows.size + 1} members exceed memberCountMax`,
    );
    this.checkTimer.arm(this.env, now + this.config.failMs);
    this.round();
  }

  onMessage(_from: NodeId, msg: GossipMsg): void {
    switch (msg.type) {
      case "gossip":
        for (const entry of msg.entries) this.merge(entry);
        return;
      default:
        assertNever(msg.type, "gossip message type");
    }
  }

  onTimer(tag: GossipTimer): void {
    if (tag === "round") this.round();
    else this.check();
  }

  onNotice(notice: HostNotice): void {
    const row = this.rows.get(notice.peer);
    if (row !== undefined && row.failedAtMs === undefined) this.fail(notice.peer, row);
  }

  suspects(): NodeId[] {
    return [...this.rows.entries()]
      .filter(([, r]) => r.failedAtMs !== undefined)
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  view(): MemberView[] {
    return [...this.rows.entries()]
      .map(([id, r]) => ({
        id,
        state: r.failedAtMs === undefined ? ("alive" as const) : ("dead" as const),
        incarnation: r.incarnation,
      }))
      .sort((a, b) => a.id - b.id);
  }

  /** The heartbeat counter this node holds for `member` (its own counter for itself). */
  heartbeatOf(member: NodeId): { incarnation: number; counter: number } | undefined {
    if (member === this.env.self) return { incarnation: this.incarnation, counter: this.counter };
    const row = this.rows.get(member);
    return row === undefined ? undefined : { incarnation: row.incarnation, counter: row.counter };
  }

  private round(): void {
    this.counter += 1;
    const entries: GossipEntry[] = [
      { member: this.env.self, incarnation: this.incarnation, counter: this.counter },
    ];
    for (const [member, r] of this.rows) {
      if (r.failedAtMs === undefined)
        entries.push({ member, incarnation: r.incarnation, counter: r.counter });
    }
    const msg: GossipMsg = { type: "gossip", entries };
    for (const to of this.randomTargets(this.config.fanout)) this.env.send(to, msg);
    this.env.setTimer(this.config.gossipIntervalMs, "round");
  }

  private merge(e: GossipEntry): void {
    if (e.member === this.env.self) return;
    const now = this.env.now();
    const row = this.rows.get(e.member);
    if (row === undefined) {
      const tomb = this.tombstones.get(e.member);
      if (tomb !== undefined && !outranks(e, tomb)) return;
      if (this.rows.size + 1 >= this.config.memberCountMax) return;
      this.tombstones.delete(e.member);
      this.rows.set(e.member, {
        incarnation: e.incarnation,
        counter: e.counter,
        grewAtMs: now,
        failedAtMs: undefined,
        heard: true,
      });
      this.env.emit({ type: "join", peer: e.member });
      this.checkTimer.arm(this.env, now + this.config.failMs);
      return;
    }
    const grew =
      e.incarnation > row.incarnation ||
      (e.incarnation === row.incarnation && e.counter > row.counter);
    if (!grew) return;
    row.incarnation = e.incarnation;
    row.counter = e.counter;
    row.grewAtMs = now;
    row.heard = true;
    if (row.failedAtMs !== undefined) {
      row.failedAtMs = undefined;
      this.env.emit({ type: "trust", peer: e.member });
    }
    this.checkTimer.arm(this.env, now + this.config.failMs);
  }

  /** Declares members failed at T_fail and forgets them at T_cleanup; re-arms at the next deadline. */
  private check(): void {
    this.checkTimer.fired();
    const now = this.env.now();
    let nextMs = Number.POSITIVE_INFINITY;
    for (const [id, row] of this.rows) {
      if (row.failedAtMs === undefined && row.grewAtMs + this.config.failMs <= now)
        this.fail(id, row);
      if (row.failedAtMs !== undefined && row.failedAtMs + this.config.cleanupMs <= now) {
        this.rows.delete(id);
        this.tombstones.set(id, { incarnation: row.incarnation, counter: row.counter });
        continue;
      }
      const due =
        row.failedAtMs === undefined
          ? row.grewAtMs + this.config.failMs
          : row.failedAtMs + this.config.cleanupMs;
      nextMs = Math.min(nextMs, due);
    }
    if (nextMs !== Number.POSITIVE_INFINITY) this.checkTimer.arm(this.env, nextMs);
  }

  private fail(id: NodeId, row: Row): void {
    row.failedAtMs = this.env.now();
    this.env.emit({ type: "dead", peer: id });
    this.checkTimer.arm(this.env, row.failedAtMs + this.config.cleanupMs);
  }

  /**
   * Up to `count` distinct random members of the whole cluster — failed and
   * forgotten ones included, so that after a partition heals gossip crosses
   * it again (the paper pairs gossip with a broadcast for this; the static
   * cluster list serves here).
   */
  private randomTargets(count: number): NodeId[] {
    const pool = this.env.cluster.filter((id) => id !== this.env.self);
    for (const id of this.rows.keys()) if (!this.env.cluster.includes(id)) pool.push(id);
    const out: NodeId[] = [];
    while (out.length < count && pool.length > 0) {
      const i = Math.floor(this.env.random() * pool.length);
      out.push(pool[i]!);
      pool[i] = pool[pool.length - 1]!;
      pool.pop();
    }
    return out;
  }
}
