import { assert } from "../core/assert.js";

/**
 * The leader's view of one follower, after etcd's `tracker.Progress`.
 *
 * - `probe`: the leader does not know where the logs match; it sends one
 *   AppendEntries at a time and waits for the answer (or the next heartbeat).
 * - `replicate`: the logs match up to `match`; the leader pipelines
 *   AppendEntries optimistically, moving `next` ahead of acknowledgements, up
 *   to `inflightCountMax` messages and `inflightBytesMax` bytes in flight.
 */
export class Progress {
  match = 0;
  next: number;
  state: "probe" | "replicate" = "probe";
  /** In probe state: an AppendEntries (or snapshot chunk) is out and unanswered. */
  probeSent = false;
  /** Heartbeats sent since the probe: only the answer to a later heartbeat may resend it. */
  heartbeatsSinceProbe = 0;
  /** False for a learner: it gets the log but counts toward no quorum. */
  voter = true;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** The highest ReadIndex round this follower acknowledged in the current term. */
  readSeqAcked = 0;
  /** The snapshot being sent to this follower (its last included index) and the next pair to send. */
  snapshotIndex = 0;
  snapshotOffset = 0;
  /** The leader's clock at the latest heartbeat this follower acknowledged in this term (for the lease). */
  leaseAckAt = Number.NEGATIVE_INFINITY;
  /** Leader ticks since `match` last moved while entries were outstanding. */
  stallTicks = 0;
  /** Last index and size of each AppendEntries in flight, oldest first. */
  private readonly inflight: { last: number; bytes: number }[] = [];
  private inflightBytes = 0;

  constructor(
    next: number,
    private readonly inflightCountMax: number,
    private readonly inflightBytesMax: number,
  ) {
    this.next = next;
  }

  /** True when the leader must not send this follower more entries now. */
  paused(): boolean {
    if (this.state === "probe") return this.probeSent;
    return (
      this.inflight.length >= this.inflightCountMax || this.inflightBytes >= this.inflightBytesMax
    );
  }

  inflightCount(): number {
    return this.inflight.length;
  }

  /** Marks a probe sent: no more until it is answered, or a later heartbeat is. */
  sentProbe(): void {
    this.probeSent = true;
    this.heartbeatsSinceProbe = 0;
  }

  /** Records a pipelined AppendEntries ending at `last`. */
  sentReplicate(last: number, bytes: number): void {
    assert(this.state === "replicate", "progress: sentReplicate outside replicate state");
    assert(last >= this.next, () => `progress: sent up to ${last} below next ${this.next}`);
    this.next = last + 1;
    this.inflight.push({ last, bytes });
    this.inflightBytes += bytes;
  }

  /** A success up to `index`: returns false when it told nothing new. */
  maybeUpdate(index: number): boolean {
    if (index <= this.match) return false;
    this.match = index;
    this.stallTicks = 0;
    if (this.next <= index) this.next = index + 1;
    while (this.inflight.length > 0 && (this.inflight[0]?.last ?? 0) <= index) {
      this.inflightBytes -= this.inflight.shift()?.bytes ?? 0;
    }
    return true;
  }

  /**
   * A rejection of `rejected` (the prevLogIndex the follower refused), with
   * `hintNext` where the leader thinks the logs may match. Returns false when
   * the rejection is stale (answers an older message).
   */
  maybeDecrement(rejected: number, hintNext: number): boolean {
    if (this.state === "replicate") {
      if (rejected <= this.match) return false;
    } else if (rejected !== this.next - 1) {
      return false;
    }
    this.next = Math.max(this.match + 1, Math.min(hintNext, rejected));
    this.becomeProbe();
    return true;
  }

  becomeProbe(): void {
    this.state = "probe";
    this.probeSent = false;
    this.next = Math.max(this.next, this.match + 1);
    this.clearInflight();
  }

  becomeReplicate(): void {
    this.state = "replicate";
    this.probeSent = false;
    this.next = this.match + 1;
    this.clearInflight();
  }

  private clearInflight(): void {
    this.inflight.length = 0;
    this.inflightBytes = 0;
  }
}
