import type { Env, HostNotice, NodeId } from "../../core/index.js";
import type { DetectorNode, MemberView } from "../types.js";

/** One window in which a member stops handling messages: from `atMs` (virtual time) for `durationMs`. */
export interface ReceiveStall {
  readonly atMs: number;
  readonly durationMs: number;
}

/** The wrapper's own timer: a stall begins or ends. */
export interface StallTimer {
  readonly kind: "receiveStall";
  readonly end: boolean;
}

function isStallTimer(tag: unknown): tag is StallTimer {
  return (
    typeof tag === "object" &&
    tag !== null &&
    (tag as { kind?: unknown }).kind === "receiveStall" &&
    typeof (tag as { end?: unknown }).end === "boolean"
  );
}

/**
 * Lifeguard's anomaly (Dadgar et al. 2018: slow message processing, e.g. a
 * starved receive loop): during each stall the wrapped node receives nothing —
 * messages wait, in arrival order, and are handled when the stall ends — while
 * its timers keep firing and its sends keep leaving. That is unlike the
 * simulator's `pause` (the whole process stopped, timers included, everything
 * replayed in order on resume). Guarantees: outside stalls the wrapper is
 * invisible (every call passes straight through); no message is lost or
 * reordered, only delayed; the wrapper's timers never reach the inner node.
 */
export class ReceiveStalled<M, T> implements DetectorNode<M, T | StallTimer> {
  private held: [NodeId, M][] | undefined;
  private depth = 0;

  constructor(
    private readonly inner: DetectorNode<M, T>,
    private readonly stalls: readonly ReceiveStall[],
  ) {}

  start(env: Env<M, T | StallTimer>, recovered: boolean): void {
    const now = env.now();
    for (const s of this.stalls) {
      if (s.atMs + s.durationMs <= now) continue;
      env.setTimer(Math.max(0, s.atMs - now), { kind: "receiveStall", end: false });
      env.setTimer(s.atMs + s.durationMs - now, { kind: "receiveStall", end: true });
    }
    this.inner.start(env as Env<M, T>, recovered);
  }

  onMessage(from: NodeId, msg: M): void {
    if (this.held !== undefined) this.held.push([from, msg]);
    else this.inner.onMessage(from, msg);
  }

  onTimer(tag: T | StallTimer): void {
    if (!isStallTimer(tag)) {
      this.inner.onTimer(tag);
      return;
    }
    if (!tag.end) {
      this.depth += 1;
      this.held ??= [];
      return;
    }
    this.depth = Math.max(0, this.depth - 1);
    if (this.depth > 0 || this.held === undefined) return;
    const held = this.held;
    this.held = undefined;
    for (const [from, msg] of held) this.inner.onMessage(from, msg);
  }

  onNotice(notice: HostNotice): void {
    this.inner.onNotice?.(notice);
  }

  stop(): void {
    this.inner.stop?.();
  }

  suspects(): NodeId[] {
    return this.inner.suspects();
  }

  view(): MemberView[] {
    return this.inner.view();
  }

  /** Whether a stall is under way now. */
  stalled(): boolean {
    return this.held !== undefined;
  }

  /** The wrapped node. */
  unwrap(): DetectorNode<M, T> {
    return this.inner;
  }
}
