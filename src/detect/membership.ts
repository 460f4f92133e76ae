import { wrapEnv } from "../core/env-wrap.js";
import type {
  Env,
  HostNotice,
  NodeId,
  Protocol,
  ProtocolEvent,
  ProtocolNode,
} from "../core/index.js";
import { assert } from "../core/index.js";
import type { DetectorNode, MemberState, MemberView } from "./types.js";

/** One change in the membership as this node sees it, at its local time `atMs`. */
export interface MembershipEvent {
  readonly type: "join" | "suspect" | "trust" | "dead" | "left";
  readonly peer: NodeId;
  readonly atMs: number;
}

/** A subscriber to the membership event stream. */
export type MembershipListener = (event: MembershipEvent) => void;

const MEMBERSHIP_TYPES: readonly string[] = ["join", "suspect", "trust", "dead", "left"];
/** Events kept for `history()`; older ones are dropped first. */
export const MEMBERSHIP_HISTORY_MAX = 1024;

/**
 * The membership API over any failure detector: `view()` (every member's
 * state — alive, suspect, dead, left — and incarnation), `members(state)`,
 * an event stream (`subscribe`, and the last `MEMBERSHIP_HISTORY_MAX` events
 * in `history()`), and a graceful `leave()`. Joining is the detector's: SWIM
 * joins through its `seeds`; the others know the cluster from the start.
 *
 * It is itself a `ProtocolNode` that wraps the detector's node, so it runs
 * unchanged in the simulator and on the real host. Guarantees: every event
 * the detector emits reaches the host unchanged and in order, and reaches
 * every listener subscribed at the time; a listener that throws is removed
 * and does not disturb the detector or the other listeners.
 */
export class Membership<M, T> implements ProtocolNode<M, T> {
  private env!: Env<M, T>;
  private readonly listeners = new Set<MembershipListener>();
  private readonly recent: MembershipEvent[] = [];
  private left = false;

  constructor(readonly detector: DetectorNode<M, T>) {}

  start(env: Env<M, T>, recovered: boolean): void {
    this.env = env;
    const emit = (event: ProtocolEvent) => {
      env.emit(event);
      this.publish(event);
    };
    this.detector.start(wrapEnv(env, { emit }), recovered);
  }

  onMessage(from: NodeId, msg: M): void {
    if (!this.left) this.detector.onMessage(from, msg);
  }

  onTimer(tag: T): void {
    if (!this.left) this.detector.onTimer(tag);
  }

  onNotice(notice: HostNotice): void {
    if (!this.left) this.detector.onNotice?.(notice);
  }

  /** The host's graceful stop is a leave. */
  stop(): void {
    this.leave();
  }

  /** Leaves the group gracefully (SWIM tells its peers; others simply go quiet). Idempotent. */
  leave(): void {
    if (this.left) return;
    this.detector.stop?.();
    this.left = true;
  }

  /** Every other member as this node sees it, ascending by id. */
  view(): MemberView[] {
    return this.detector.view();
  }

  /** Members in `state` (ascending); all known members without it. */
  members(state?: MemberState): NodeId[] {
    return this.view()
      .filter((m) => state === undefined || m.state === state)
      .map((m) => m.id);
  }

  /** Calls `listener` for every later membership event; returns the unsubscribe function. */
  subscribe(listener: MembershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The most recent membership events, oldest first. */
  history(): readonly MembershipEvent[] {
    return this.recent;
  }

  private publish(event: ProtocolEvent): void {
    if (!MEMBERSHIP_TYPES.includes(event.type) || typeof event.peer !== "number") return;
    const e: MembershipEvent = {
      type: event.type as MembershipEvent["type"],
      peer: event.peer,
      atMs: this.env.now(),
    };
    this.recent.push(e);
    if (this.recent.length > MEMBERSHIP_HISTORY_MAX) this.recent.shift();
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (error) {
        this.listeners.delete(listener);
        this.env.log.warn("membership: a listener threw and was removed", { error: String(error) });
      }
    }
  }
}

/** `protocol` with each node wrapped in a `Membership`, so hosts and tests can reach the API. */
export function withMembership<M, T, C>(protocol: Protocol<M, T, C>): Protocol<M, T, C> {
  return {
    ...protocol,
    create(id: NodeId, config: C): Membership<M, T> {
      const node = protocol.create(id, config);
      assert(
        isDetector(node),
        () => `membership: ${protocol.name} nodes are not failure detectors`,
      );
      return new Membership(node);
    },
  };
}

function isDetector<M, T>(node: ProtocolNode<M, T>): node is DetectorNode<M, T> {
  const d = node as Partial<DetectorNode<M, T>>;
  return typeof d.view === "function" && typeof d.suspects === "function";
}
