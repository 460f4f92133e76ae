import {
  checkNat,
  checkTagged,
  type Env,
  firstProblem,
  type HostNotice,
  type NodeId,
  type ProtocolNode,
} from "../core/index.js";

/**
 * A minimal ping-pong protocol for the simulator's tests and benchmark: a ping
 * is answered by a pong with the same `seq`; a `PingPongNode` keeps
 * `pingsInFlight` pings going to random peers, one new ping per pong received.
 */
export type PingMsg =
  | { readonly type: "ping"; readonly seq: number }
  | { readonly type: "pong"; readonly seq: number };

/** The protocol's validator: a tagged object with a non-negative integer `seq`. */
export function validatePing(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, ["ping", "pong"]);
  if (tagged !== undefined) return tagged;
  return firstProblem(checkNat(msg as Record<string, unknown>, "seq"));
}

/** Keeps `pingsInFlight` pings going to random peers; answers every ping. */
export class PingPongNode implements ProtocolNode<PingMsg> {
  private env!: Env<PingMsg>;
  private seq = 0;
  /** Pongs received by this node. */
  pongs = 0;

  constructor(private readonly pingsInFlight: number) {}

  start(env: Env<PingMsg>): void {
    this.env = env;
    for (let i = 0; i < this.pingsInFlight; i++) this.ping();
  }

  onMessage(from: NodeId, msg: PingMsg): void {
    if (msg.type === "ping") {
      this.env.send(from, { type: "pong", seq: msg.seq });
    } else {
      this.pongs++;
      this.ping();
    }
  }

  onTimer(): void {}

  private ping(): void {
    const n = this.env.cluster.length;
    let to = Math.floor(this.env.random() * (n - 1));
    if (to >= this.env.self) to++;
    this.env.send(n === 1 ? this.env.self : to, { type: "ping", seq: this.seq++ });
  }
}

/** What a `ProbeNode` saw, in order. */
export interface ProbeLog {
  readonly messages: { t: number; from: NodeId; msg: PingMsg }[];
  readonly timers: { t: number; tag: string }[];
  readonly notices: HostNotice[];
  readonly starts: boolean[];
}

/**
 * A node for tests: records every message, timer, notice and start (into a log
 * that outlives crashes, keyed by node id), answers pings with pongs, and lets
 * the test act through its env.
 */
export class ProbeNode implements ProtocolNode<PingMsg> {
  env!: Env<PingMsg>;

  constructor(readonly log: ProbeLog) {}

  start(env: Env<PingMsg>, recovered: boolean): void {
    this.env = env;
    this.log.starts.push(recovered);
  }

  onMessage(from: NodeId, msg: PingMsg): void {
    this.log.messages.push({ t: this.env.now(), from, msg });
    if (msg.type === "ping") this.env.send(from, { type: "pong", seq: msg.seq });
  }

  onTimer(tag: string): void {
    this.log.timers.push({ t: this.env.now(), tag });
  }

  onNotice(notice: HostNotice): void {
    this.log.notices.push(notice);
  }
}

/** A fresh, empty probe log. */
export function emptyProbeLog(): ProbeLog {
  return { messages: [], timers: [], notices: [], starts: [] };
}
