import type { Env, NodeId, ProtocolNode } from "../core/index.js";
import {
  assert,
  assertNever,
  checkNat,
  checkTagged,
  firstProblem,
  isRecord,
} from "../core/index.js";

/**
 * The ping-pong protocol's messages: `ping` asks the receiver to answer with a
 * `pong` carrying the same `seq` and `incarnation` (the pinger's random id for
 * its current life, so a restarted pinger's pings are told apart).
 */
export type PingPongMsg =
  | { readonly type: "ping"; readonly seq: number; readonly incarnation: number }
  | { readonly type: "pong"; readonly seq: number; readonly incarnation: number };

/** The ping-pong protocol's one timer. */
export type PingPongTimer = "tick";

/** Settings of a ping-pong node. */
export interface PingPongConfig {
  /** How often each node pings its successor (ms). */
  readonly intervalMs: number;
  /**
   * The planted bug: when true, a node asserts that it never receives the same
   * ping twice — an assumption that only a duplicating or replaying network
   * (or a corrupted `seq`) breaks. Off for the correct protocol.
   */
  readonly assumeNoDuplicates: boolean;
}

/** Returns why `msg` is not a well-formed `PingPongMsg`, or undefined. */
export function validatePingPongMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, ["ping", "pong"]);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  return firstProblem(checkNat(msg, "seq"), checkNat(msg, "incarnation"));
}

/**
 * Node `i` of `n` pings node `(i+1) mod n` every `intervalMs` and answers
 * every ping with a pong. Events: `pong` (`peer`, `seq`, `rttMs`) when an
 * answer to one of its current pings arrives. Guarantees: it never emits `pong`
 * for a seq it did not send in its current life.
 */
export class PingPongNode implements ProtocolNode<PingPongMsg, PingPongTimer> {
  private env!: Env<PingPongMsg, PingPongTimer>;
  private seq = 0;
  private incarnation = 0;
  private readonly sentAtMs = new Map<number, number>();
  /** Per sender: its incarnation last heard and the ping seqs seen from it (planted-bug mode only). */
  private readonly seen = new Map<NodeId, { incarnation: number; seqs: Set<number> }>();

  constructor(private readonly config: PingPongConfig) {}

  start(env: Env<PingPongMsg, PingPongTimer>, _recovered: boolean): void {
    this.env = env;
    this.incarnation = Math.floor(env.random() * 2 ** 31);
    this.tick();
  }

  onMessage(from: NodeId, msg: PingPongMsg): void {
    switch (msg.type) {
      case "ping":
        if (this.config.assumeNoDuplicates) this.noteFirstSight(from, msg);
        this.env.send(from, { type: "pong", seq: msg.seq, incarnation: msg.incarnation });
        return;
      case "pong":
        this.onPong(from, msg);
        return;
      default:
        assertNever(msg, "ping-pong message");
    }
  }

  onTimer(tag: PingPongTimer): void {
    assert(tag === "tick", () => `ping-pong: unknown timer ${String(tag)}`);
    this.tick();
  }

  private tick(): void {
    const cluster = this.env.cluster;
    if (cluster.length >= 2) {
      const peer = cluster[(cluster.indexOf(this.env.self) + 1) % cluster.length] as NodeId;
      this.seq += 1;
      this.sentAtMs.set(this.seq, this.env.now());
      // Forget answers that will never come, so the map stays bounded.
      this.sentAtMs.delete(this.seq - 1000);
      this.env.send(peer, { type: "ping", seq: this.seq, incarnation: this.incarnation });
    }
    this.env.setTimer(this.config.intervalMs, "tick");
  }

  private onPong(from: NodeId, msg: PingPongMsg): void {
    if (msg.incarnation !== this.incarnation) return;
    const sentMs = this.sentAtMs.get(msg.seq);
    if (sentMs === undefined) return;
    this.sentAtMs.delete(msg.seq);
    this.env.emit({ type: "pong", peer: from, seq: msg.seq, rttMs: this.env.now() - sentMs });
  }

  private noteFirstSight(from: NodeId, msg: PingPongMsg): void {
    let seen = this.seen.get(from);
    if (seen === undefined || seen.incarnation !== msg.incarnation) {
      seen = { incarnation: msg.incarnation, seqs: new Set() };
      this.seen.set(from, seen);
    }
    assert(
      !seen.seqs.has(msg.seq),
      () => `n${this.env.self} got ping #${msg.seq} from n${from} twice`,
    );
    seen.seqs.add(msg.seq);
  }
}
