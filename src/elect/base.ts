import { wrapEnv } from "../core/env-wrap.js";
import type { Env, HostNotice, NodeId, ProtocolEvent, ProtocolNode } from "../core/index.js";
import type { HeartbeatConfig, HeartbeatMsg, HeartbeatTimer } from "../detect/index.js";
import { HeartbeatNode } from "../detect/index.js";
import type { ElectionEvent } from "./events.js";

/** The storage key of the highest epoch a node has seen. */
export const EPOCH_KEY = "elect/epoch";
/** The storage key of the epoch of the leader a node last followed. */
export const FOLLOWED_KEY = "elect/followed";

/**
 * The common half of every election node: it embeds the heartbeat failure
 * detector (heartbeat messages and `tick`/`check` timers go to it, its
 * `suspect`/`trust` events reach the host and `onSuspect`/`onTrust`), keeps
 * the highest epoch seen in durable storage, and owns the node's leader
 * belief, emitting the `ElectionEvent`s on every change.
 *
 * Guarantees: `epochSeen()` and the epochs of `leader` events never decrease, across restarts too (it is
 * synced before a new epoch is announced); `believe-leader` and `step-down`
 * alternate; a `leader` event is emitted exactly when (leader, epoch) changes.
 */
export abstract class ElectionBase<A extends { readonly type: string }, TA extends string>
  implements ProtocolNode<HeartbeatMsg | A, HeartbeatTimer | TA>
{
  protected env!: Env<HeartbeatMsg | A, HeartbeatTimer | TA>;
  private readonly detector: HeartbeatNode;
  private maxEpoch = 0;
  private followedEpoch = 0;
  private current: { leader: NodeId; epoch: number } | undefined;
  /** The cluster as a set, and the peers the detector suspects (kept from its events: O(1) lookups). */
  private members = new Set<NodeId>();
  private readonly suspected = new Set<NodeId>();

  constructor(detector: HeartbeatConfig) {
    this.detector = new HeartbeatNode(detector);
  }

  start(env: Env<HeartbeatMsg | A, HeartbeatTimer | TA>, recovered: boolean): void {
    this.env = env;
    this.members = new Set(env.cluster);
    this.suspected.clear();
    const stored = env.storage.get(EPOCH_KEY);
    this.maxEpoch = typeof stored === "number" && Number.isSafeInteger(stored) ? stored : 0;
    const followed = env.storage.get(FOLLOWED_KEY);
    this.followedEpoch =
      typeof followed === "number" && Number.isSafeInteger(followed) ? followed : 0;
    const emit = (event: ProtocolEvent) => {
      if (event.type === "view") return;
      env.emit(event);
      const peer = event.peer;
      if (typeof peer !== "number") return;
      if (event.type === "suspect") {
        this.suspected.add(peer);
        this.onSuspect(peer);
      }
      if (event.type === "trust") {
        this.suspected.delete(peer);
        this.onTrust(peer);
      }
    };
    const inner: Env<HeartbeatMsg, HeartbeatTimer> = wrapEnv(env, { emit });
    this.detector.start(inner, recovered);
    this.onStart(recovered);
  }

  onMessage(from: NodeId, msg: HeartbeatMsg | A): void {
    if (msg.type === "heartbeat") {
      this.detector.onMessage(from, msg as HeartbeatMsg);
    } else if (!this.members.has(from) || from === this.env.self) {
      this.env.log.warn("election: message from outside the cluster; dropped", { from });
    } else {
      this.onElectionMessage(from, msg as A);
    }
  }

  onTimer(tag: HeartbeatTimer | TA): void {
    if (tag === "tick" || tag === "check") this.detector.onTimer(tag as HeartbeatTimer);
    else this.onElectionTimer(tag as TA);
  }

  onNotice(notice: HostNotice): void {
    this.detector.onNotice(notice);
  }

  /** The leader this node follows and its epoch, or undefined while it knows none. */
  leader(): { readonly leader: NodeId; readonly epoch: number } | undefined {
    return this.current;
  }

  /** The highest epoch this node has seen or announced. */
  epochSeen(): number {
    return this.maxEpoch;
  }

  /** Peers the embedded detector currently suspects, ascending. */
  suspects(): NodeId[] {
    return this.detector.suspects();
  }

  protected abstract onStart(recovered: boolean): void;
  protected abstract onElectionMessage(from: NodeId, msg: A): void;
  protected abstract onElectionTimer(tag: TA): void;
  /** The detector began suspecting `peer`. */
  protected abstract onSuspect(peer: NodeId): void;
  /** The detector trusts `peer` again. */
  protected abstract onTrust(peer: NodeId): void;

  /** True when `id` is a member of the cluster. */
  protected isMember(id: NodeId): boolean {
    return this.members.has(id);
  }

  /** True when the detector does not suspect `peer` (always true of self). */
  protected trusted(peer: NodeId): boolean {
    return peer === this.env.self || !this.suspected.has(peer);
  }

  /** Records an epoch heard of; a higher one is kept durably. */
  protected seeEpoch(epoch: number): void {
    if (epoch <= this.maxEpoch) return;
    this.maxEpoch = epoch;
    this.env.storage.put(EPOCH_KEY, epoch);
    this.env.storage.sync();
  }

  /**
   * A fresh epoch, higher than any seen, kept durably before it is returned.
   * Like Paxos ballots, the epochs a node mints are its own: the smallest
   * number above every epoch seen that is congruent to its position in the
   * cluster modulo the cluster size, so two nodes never mint the same epoch
   * and a fence can always tell two leaders apart.
   */
  protected nextEpoch(): number {
    const n = this.env.cluster.length;
    const slot = Math.max(0, this.env.cluster.indexOf(this.env.self));
    let epoch = this.maxEpoch + 1;
    epoch += (((slot - epoch) % n) + n) % n;
    this.seeEpoch(epoch);
    return epoch;
  }

  /** The epoch of the last leader this node followed (kept across restarts); 0 before any. */
  protected lastFollowedEpoch(): number {
    return this.followedEpoch;
  }

  /**
   * Follows `leader` in `epoch` (itself when `leader` is self), emitting what
   * changed. Refuses (returns false) an epoch older than the last one followed,
   * so a node's epochs never go back, across restarts too.
   */
  protected follow(leader: NodeId, epoch: number): boolean {
    if (epoch < this.followedEpoch) return false;
    this.seeEpoch(epoch);
    const was = this.current;
    if (was !== undefined && was.leader === leader && was.epoch === epoch) return true;
    if (epoch > this.followedEpoch) {
      this.followedEpoch = epoch;
      this.env.storage.put(FOLLOWED_KEY, epoch);
      this.env.storage.sync();
    }
    const self = this.env.self;
    if (was?.leader === self) this.emitEvent({ type: "step-down", epoch: was.epoch });
    this.current = { leader, epoch };
    this.emitEvent({ type: "leader", leader, epoch });
    if (leader === self) this.emitEvent({ type: "believe-leader", epoch });
    return true;
  }

  /** Forgets the current leader (stepping down if it was this node). */
  protected forget(): void {
    const was = this.current;
    if (was === undefined) return;
    if (was.leader === this.env.self) this.emitEvent({ type: "step-down", epoch: was.epoch });
    this.current = undefined;
    this.emitEvent({ type: "leader-lost", epoch: was.epoch });
  }

  /** True when this node believes it leads. */
  protected leading(): boolean {
    return this.current?.leader === this.env.self;
  }

  /** Sends `msg` to every other member of the cluster. */
  protected broadcast(msg: A): void {
    for (const id of this.env.cluster) if (id !== this.env.self) this.env.send(id, msg);
  }

  private emitEvent(event: ElectionEvent): void {
    this.env.emit(event);
  }
}
