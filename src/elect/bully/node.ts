import type { NodeId, TimerId } from "../../core/index.js";
import { assertNever } from "../../core/index.js";
import { ElectionBase } from "../base.js";
import type { BullyConfig } from "./config.js";
import type { BullyElectMsg, BullyTimer } from "./messages.js";

type Phase = "idle" | "awaiting-answers" | "awaiting-coordinator";

/** The storage key of the restarts counted against this host by the host-quality score. */
export const FLAPS_KEY = "elect/flaps";

/**
 * The bully election (Garcia-Molina 1982) on a heartbeat failure detector:
 * the highest-ranked (largest id) live process leads. A node that suspects
 * its leader (or has none) sends `election` to every higher node it trusts;
 * any that answers takes over the election; if none answers within
 * `answerTimeoutMs` the node leads a fresh epoch and says `coordinator` to
 * all. A leader re-announces itself every `announceIntervalMs`; a node that
 * hears a lower node claim leadership starts an election and bullies it. A
 * node that already follows a live higher leader answers a late `election`
 * but starts no round of its own (the leader's next announcement, within
 * `announceIntervalMs` < `coordinatorTimeoutMs`, settles the candidate), so
 * one crash costs one wave of O(n²) messages rather than a wave per late
 * candidate.
 *
 * Guarantees: with a live, connected cluster and no faults for long enough,
 * every node follows the highest live node in one epoch; a node only ever
 * follows a higher epoch than the one it follows (or the same leader);
 * with `holdDownMs > 0` a restarted node claims nothing until it has been up
 * that long.
 */
export class BullyNode extends ElectionBase<BullyElectMsg, BullyTimer> {
  private phase: Phase = "idle";
  private phaseTimer: TimerId | undefined;
  private holdingDown = false;

  constructor(private readonly config: BullyConfig) {
    super(config.detector);
  }

  protected onStart(recovered: boolean): void {
    this.env.setTimer(this.config.announceIntervalMs, "announce");
    if (recovered && this.config.holdDownMs > 0) {
      this.holdingDown = true;
      this.env.setTimer(this.holdDownAfterRestart(), "hold-down");
      return;
    }
    this.startElection();
  }

  protected onElectionMessage(from: NodeId, msg: BullyElectMsg): void {
    this.seeEpoch(msg.epoch);
    const self = this.env.self;
    switch (msg.type) {
      case "election":
        if (from > self || this.holdingDown) return;
        if (this.leading()) {
          // The candidate has seen a newer epoch than ours: lead again in a fresh one it will accept.
          if (msg.epoch > (this.leader()?.epoch ?? 0)) this.takeOver();
          else this.env.send(from, { type: "coordinator", epoch: this.leader()?.epoch ?? 0 });
          return;
        }
        this.env.send(from, { type: "answer", epoch: this.epochSeen() });
        // Already following a live, higher leader in an epoch at least as new as the candidate
        // knows: that leader's next announcement settles the candidate; another round of
        // elections to every higher node would only repeat the one that elected it.
        if (!this.followsLiveHigher(msg.epoch)) this.startElection();
        return;
      case "answer":
        if (from < self || this.phase !== "awaiting-answers") return;
        this.enter("awaiting-coordinator", this.config.coordinatorTimeoutMs, "coordinator-wait");
        return;
      case "coordinator":
        this.onCoordinator(from, msg.epoch);
        return;
      default:
        assertNever(msg);
    }
  }

  private onCoordinator(from: NodeId, epoch: number): void {
    const current = this.leader();
    if (from < this.env.self && !this.holdingDown) {
      // A lower node claims: bully it. A leader whose epoch is newer just tells it so.
      if (this.leading() && epoch < (current?.epoch ?? 0)) {
        this.env.send(from, { type: "coordinator", epoch: current?.epoch ?? 0 });
      } else if (this.leading()) {
        this.takeOver();
      } else {
        this.startElection();
      }
      return;
    }
    if (epoch < this.lastFollowedEpoch()) return; // stale, or a leader we must first out-elect
    if (current !== undefined && epoch === current.epoch && from !== current.leader) return;
    if (this.follow(from, epoch)) this.enter("idle");
  }

  protected onElectionTimer(tag: BullyTimer): void {
    switch (tag) {
      case "answer-wait":
        this.phaseTimer = undefined;
        if (this.phase === "awaiting-answers") this.takeOver();
        return;
      case "coordinator-wait":
        this.phaseTimer = undefined;
        if (this.phase === "awaiting-coordinator") {
          this.phase = "idle";
          this.startElection();
        }
        return;
      case "announce":
        this.env.setTimer(this.config.announceIntervalMs, "announce");
        if (this.leading()) this.announce();
        else if (this.leader() === undefined && this.phase === "idle") this.startElection();
        return;
      case "hold-down":
        this.holdingDown = false;
        if (this.config.holdDownGrowth > 1) {
          this.env.setTimer(3 * this.config.holdDownMs * this.flapScore(), "forgive");
        }
        if (this.leader() === undefined || (this.leader()?.leader ?? 0) < this.env.self) {
          this.startElection();
        }
        return;
      case "forgive":
        // Up three score-weighted hold-downs past its hold-down: the host is stable again.
        this.env.storage.put(FLAPS_KEY, 0);
        this.env.storage.sync();
        return;
      default:
        assertNever(tag);
    }
  }

  /** True when this node follows a trusted leader above itself, in an epoch no older than `epoch`. */
  private followsLiveHigher(epoch: number): boolean {
    const current = this.leader();
    return (
      current !== undefined &&
      current.leader > this.env.self &&
      current.epoch >= epoch &&
      this.trusted(current.leader)
    );
  }

  /** The restarts counted against this host (0 when it is trusted). */
  private flapScore(): number {
    const v = this.env.storage.get(FLAPS_KEY);
    return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : 0;
  }

  /** Counts this restart and returns the hold-down it earns: base × growth^(restarts − 1), at most 64×. */
  private holdDownAfterRestart(): number {
    if (this.config.holdDownGrowth <= 1) return this.config.holdDownMs;
    const flaps = this.flapScore() + 1;
    this.env.storage.put(FLAPS_KEY, flaps);
    this.env.storage.sync();
    const factor = Math.min(this.config.holdDownGrowth ** (flaps - 1), 64);
    return this.config.holdDownMs * factor;
  }

  protected onSuspect(peer: NodeId): void {
    if (this.leader()?.leader !== peer) return;
    this.forget();
    this.startElection();
  }

  protected onTrust(_peer: NodeId): void {
    // A returning higher node runs its own election; a healed partition merges on the next announcement.
  }

  /** Starts (or keeps running) an election: ask every trusted higher node, or take over. */
  private startElection(): void {
    if (this.holdingDown || this.phase !== "idle") return;
    const self = this.env.self;
    const higher = this.env.cluster.filter((id) => id > self && this.trusted(id));
    if (higher.length === 0) {
      this.takeOver();
      return;
    }
    const msg: BullyElectMsg = { type: "election", epoch: this.epochSeen() };
    for (const id of higher) this.env.send(id, msg);
    this.env.metrics.inc("bully.elections");
    this.enter("awaiting-answers", this.config.answerTimeoutMs, "answer-wait");
  }

  private takeOver(): void {
    this.enter("idle");
    this.follow(this.env.self, this.nextEpoch());
    this.announce();
  }

  private announce(): void {
    const epoch = this.leader()?.epoch ?? 0;
    this.broadcast({ type: "coordinator", epoch });
  }

  private enter(phase: Phase, afterMs?: number, tag?: BullyTimer): void {
    if (this.phaseTimer !== undefined) this.env.cancelTimer(this.phaseTimer);
    this.phaseTimer = undefined;
    this.phase = phase;
    if (afterMs !== undefined && tag !== undefined) {
      this.phaseTimer = this.env.setTimer(afterMs, tag);
    }
  }
}
