import type { NodeId } from "../../core/index.js";

/**
 * The decision rule of the paper's application, quiescent reliable
 * communication (Aguilera, Chen, Toueg 1997, §5): resend a message to `q`
 * only when q's heartbeat counter has grown since the last send. A crashed
 * q's counter stops growing, so the sender stops sending (it becomes
 * quiescent) without ever deciding that q crashed.
 */
export class RetransmitGate {
  private readonly sentAt = new Map<NodeId, number>();

  /** True (and records the send) when `counter` grew since the last send to `q`, or nothing was sent yet. */
  shouldSend(q: NodeId, counter: number): boolean {
    const last = this.sentAt.get(q);
    if (last !== undefined && counter <= last) return false;
    this.sentAt.set(q, counter);
    return true;
  }

  /** Forgets `q` (its message was acknowledged). */
  done(q: NodeId): void {
    this.sentAt.delete(q);
  }
}

/**
 * An application-side suspicion rule on top of the counters: at each look,
 * a neighbour whose counter has not grown for `stalledLooksMax` looks in a row
 * is suspected, and trusted again as soon as it grows. The detector itself has
 * no timeout; the application chooses how often it looks.
 */
export class StallDecision {
  private readonly last = new Map<NodeId, { counter: number; stalledLooks: number }>();

  constructor(private readonly stalledLooksMax: number) {}

  /** Looks at `q`'s counter; returns `true` when q is now suspected. */
  look(q: NodeId, counter: number): boolean {
    const prev = this.last.get(q);
    if (prev === undefined || counter > prev.counter) {
      this.last.set(q, { counter, stalledLooks: 0 });
      return false;
    }
    prev.stalledLooks += 1;
    return prev.stalledLooks >= this.stalledLooksMax;
  }
}
