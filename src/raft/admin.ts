import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { ProtocolNode } from "../core/protocol.js";
import { applyChange, type Membership, type MembershipChange } from "./membership.js";
import { ERROR, type RaftMessage } from "./messages.js";

/**
 * A node id no server ever has. Asking to remove it is a change already in
 * effect, which the leader answers with the configuration once committed: how
 * an administrator reads the configuration without changing it.
 */
export const NO_SERVER: NodeId = 1_000_000_000;

/** How a simulated administrator behaves. */
export interface RaftAdminOptions {
  /** The servers it may talk to. */
  readonly servers: readonly NodeId[];
  /** The configuration the cluster starts with. */
  readonly initial: Membership;
  /** The next change, given the latest configuration it saw committed; undefined to pause this round. */
  readonly nextChange: (random: () => number, known: Membership) => MembershipChange | undefined;
  /** An attempt without a reply after this long is retried at the next server. */
  readonly attemptTimeoutMs: number;
  /** A promotion refused as not caught up for this long gives way to removing that learner. */
  readonly promoteGiveUpMs: number;
  /** Back-off after an error: starts here, doubles per attempt… */
  readonly backoffMsMin: number;
  /** …up to this. */
  readonly backoffMsMax: number;
  /** Pause between two changes: uniform in [thinkMsMin, thinkMsMax). */
  readonly thinkMsMin: number;
  readonly thinkMsMax: number;
  /**
   * An impatient administrator (a careless script): when an attempt is not
   * answered within `attemptTimeoutMs` it assumes the change was made and
   * goes on to the next, so several of its changes may be in flight at once.
   * A correct leader refuses all but one (busy); this is what finds a leader
   * that does not.
   */
  readonly impatient?: boolean;
}

interface Current {
  readonly change: MembershipChange;
  readonly startedAt: number;
  attempts: number;
}

/**
 * An administrator as a `ProtocolNode`: it makes one single-server change at
 * a time through the leader (following `leader` hints), retries a change
 * until it is answered (a change is idempotent: one already in effect is
 * answered with the configuration), and emits `membershipCall` /
 * `membershipReturn` events (`status` ok, fail, or info when an impatient
 * administrator moved on unanswered; the configuration on ok).
 * Its view of the configuration comes only from committed answers; when a
 * change does not apply (its view was stale), it reads the configuration.
 */
export class RaftAdmin implements ProtocolNode<RaftMessage, string> {
  private env!: Env<RaftMessage, string>;
  private msgId = 0;
  private target = 0;
  private known: Membership;
  private current: Current | undefined;
  /** Changes answered ok. */
  changesDone = 0;

  constructor(
    readonly id: NodeId,
    private readonly options: RaftAdminOptions,
  ) {
    assert(options.servers.length > 0, "admin: no servers");
    this.known = options.initial;
  }

  start(env: Env<RaftMessage, string>, _recovered: boolean): void {
    this.env = env;
    this.target = Math.floor(env.random() * this.options.servers.length);
    this.think();
  }

  onTimer(tag: string): void {
    if (tag === "next") {
      this.startNext();
    } else if (tag === `timeout:${this.msgId}`) {
      this.target = (this.target + 1) % this.options.servers.length;
      const c = this.current;
      if (this.options.impatient === true && c !== undefined && c.change.node !== NO_SERVER) {
        const next = applyChange(this.known, c.change);
        if (typeof next !== "string") this.known = next;
        this.finish("info");
      } else {
        this.attempt();
      }
    } else if (tag === `retry:${this.msgId}`) {
      this.attempt();
    }
  }

  onMessage(from: NodeId, msg: RaftMessage): void {
    const c = this.current;
    if (c === undefined) return;
    if (msg.type === "membershipOk") {
      if (msg.inReplyTo !== this.msgId) return;
      this.known = msg.membership;
      this.finish("ok");
    } else if (msg.type === "error") {
      if (msg.inReplyTo !== this.msgId) return;
      if (msg.code === ERROR.malformed) {
        // The change does not apply to the real configuration: ours was stale. Read it.
        this.record("fail");
        this.current = {
          change: { op: "remove", node: NO_SERVER },
          startedAt: this.env.now(),
          attempts: 0,
        };
        this.msgId++;
        this.env.setTimer(0, `retry:${this.msgId}`);
        return;
      }
      if (msg.code === ERROR.notLeader) {
        const hinted =
          msg.leader !== null && msg.leader !== from
            ? this.options.servers.indexOf(msg.leader)
            : -1;
        this.target = hinted >= 0 ? hinted : (this.target + 1) % this.options.servers.length;
      }
      const giveUp =
        msg.code === ERROR.busy &&
        c.change.op === "promote" &&
        this.env.now() - c.startedAt >= this.options.promoteGiveUpMs;
      if (giveUp) this.current = { ...c, change: { op: "remove", node: c.change.node } };
      const backoffMs = Math.min(
        this.options.backoffMsMax,
        this.options.backoffMsMin * 2 ** Math.min(c.attempts, 16),
      );
      this.msgId++;
      this.env.setTimer(backoffMs * (0.5 + this.env.random() / 2), `retry:${this.msgId}`);
    }
  }

  private think(): void {
    const { thinkMsMin, thinkMsMax } = this.options;
    this.env.setTimer(thinkMsMin + this.env.random() * (thinkMsMax - thinkMsMin), "next");
  }

  private startNext(): void {
    const change = this.options.nextChange(() => this.env.random(), this.known);
    if (change === undefined) {
      this.think();
      return;
    }
    this.current = { change, startedAt: this.env.now(), attempts: 0 };
    this.attempt();
  }

  private attempt(): void {
    const c = this.current;
    assert(c !== undefined, "admin: attempt without a change");
    if (c.attempts === 0 && c.change.node !== NO_SERVER)
      this.env.emit({ type: "membershipCall", op: c.change.op, node: c.change.node });
    c.attempts++;
    this.msgId++;
    const to = this.options.servers[this.target] ?? this.options.servers[0] ?? 0;
    this.env.send(to, { type: "membership", msgId: this.msgId, change: c.change });
    this.env.setTimer(this.options.attemptTimeoutMs, `timeout:${this.msgId}`);
  }

  private finish(status: "ok" | "fail" | "info"): void {
    this.record(status);
    this.current = undefined;
    this.msgId++;
    this.think();
  }

  private record(status: "ok" | "fail" | "info"): void {
    const c = this.current;
    assert(c !== undefined, "admin: finish without a change");
    if (c.change.node !== NO_SERVER) {
      this.env.emit({
        type: "membershipReturn",
        op: c.change.op,
        node: c.change.node,
        status,
        voters: status === "ok" ? [...this.known.voters] : null,
        learners: status === "ok" ? [...this.known.learners] : null,
      });
      if (status === "ok") this.changesDone++;
    }
  }
}
