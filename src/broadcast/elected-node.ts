import { adaptEnv } from "../core/env-wrap.js";
import type { Env, HostNotice, NodeId, ProtocolEvent, TimerId } from "../core/index.js";
import type { BullyMsg, BullyTimer, ElectionEvent } from "../elect/index.js";
import { BullyNode } from "../elect/index.js";
import type { BroadcastConfig } from "./config.js";
import type { ElectedOrderMessage } from "./elected-messages.js";
import { ElectedOrder, type ElectedOrderHost } from "./elected-order.js";
import type { BroadcastMessage, DataMessage } from "./messages.js";
import { BroadcastNode, type BroadcastTimer } from "./node.js";

type ElectTimer = BullyTimer | "tick" | "check";
const ELECT_PREFIX = "elect:";

/**
 * Total-order broadcast whose sequencer is elected: reliable dissemination
 * (from `BroadcastNode`) brings every data message to every node; an embedded
 * bully election over a heartbeat failure detector (`src/elect`) names the
 * sequencer, so a sequencer that halts silently is replaced once it is
 * suspected; the order itself is an `ElectedOrder` log behind a majority, so
 * a stale or wrongly elected second sequencer cannot fork it.
 *
 * Emits what `BroadcastNode` emits, the election's `leader`, `leader-lost`,
 * `believe-leader` and `step-down` events, and `{type:"sequencerBallot",
 * ballot, length, commit}` when this node starts sequencing a ballot.
 * Crash-recovery (`rejoin`, the default): the sequencer layer keeps its
 * promise, log and delivery point in storage and reads them back after a
 * crash; with `rejoin` off a restarted node stays out.
 */
export class ElectedBroadcastNode extends BroadcastNode {
  #order: ElectedOrder | undefined;
  #election: BullyNode | undefined;

  constructor(config: BroadcastConfig) {
    super(config);
  }

  override start(env: Env<BroadcastMessage, BroadcastTimer>, recovered: boolean): void {
    super.start(env, recovered);
    if (this.retired) return;
    this.#order = this.createOrder(this.#orderHost());
    if (this.rejoined && !this.#order.restore()) {
      this.retire("the elected sequencer's kept state is unreadable");
      return;
    }
    this.#election = new BullyNode(this.config.election);
    this.#election.start(this.#electionEnv(), recovered);
  }

  /** The sequencer layer of this node. Overridable to plant bugs in tests. */
  protected createOrder(host: ElectedOrderHost): ElectedOrder {
    return new ElectedOrder(host);
  }

  /** The ballot this node sequences, once established; undefined otherwise. */
  get sequencing(): number | undefined {
    return this.#order?.leading;
  }

  override onMessage(from: NodeId, msg: BroadcastMessage): void {
    if (this.retired) return;
    if (msg.type === "elect") {
      this.#election?.onMessage(from, msg.msg);
      return;
    }
    if (isOrderMessage(msg)) {
      if (!this.env.cluster.includes(from) || from === this.env.self) return;
      const problem = this.#foreignEntries(msg);
      if (problem !== undefined) this.env.log.warn("dropped a message", { from, problem });
      else this.#order?.onMessage(from, msg);
      return;
    }
    super.onMessage(from, msg);
  }

  override onTimer(tag: BroadcastTimer): void {
    if (this.retired) return;
    if (tag.startsWith(ELECT_PREFIX)) {
      this.#election?.onTimer(tag.slice(ELECT_PREFIX.length) as ElectTimer);
      return;
    }
    if (tag === "resend") this.#order?.tick();
    super.onTimer(tag);
  }

  override onNotice(notice: HostNotice): void {
    if (this.retired) return;
    this.#election?.onNotice(notice);
    super.onNotice(notice);
  }

  protected override onData(m: DataMessage): void {
    this.#order?.onData(m);
  }

  /** Why a sequencer message carries an entry naming a node outside the cluster, or undefined. */
  #foreignEntries(msg: ElectedOrderMessage): string | undefined {
    if (msg.type !== "promise" && msg.type !== "append") return undefined;
    const n = this.env.cluster.length;
    for (const d of msg.entries) {
      if (d.origin >= n) return `entries item: origin: expected a node below ${n}, got ${d.origin}`;
    }
    return undefined;
  }

  #orderHost(): ElectedOrderHost {
    return {
      self: this.env.self,
      cluster: this.env.cluster,
      send: (to, msg) => this.env.send(to, msg),
      allData: () => this.heldData(),
      deliver: (m) => this.deliver(m),
      established: (ballot, length, commit) =>
        this.env.emit({ type: "sequencerBallot", ballot, length, commit }),
      warn: (message, fields) => this.env.log.warn(message, fields),
      ...(this.config.rejoin ? { storage: this.env.storage } : {}),
    };
  }

  /** The election's view of the world: its messages and timers wrapped, its leader events watched. */
  #electionEnv(): Env<BullyMsg, ElectTimer> {
    const env = this.env;
    const emit = (event: ProtocolEvent): void => {
      if (event.type === "suspect" || event.type === "trust") return;
      env.emit(event);
      const e = event as ElectionEvent;
      if (e.type === "leader") this.#order?.onLeader(e.leader);
      else if (e.type === "leader-lost") this.#order?.onLeader(undefined);
    };
    return adaptEnv(env, {
      send: (to, msg) => env.send(to, { type: "elect", msg }),
      setTimer: (afterMs, tag): TimerId =>
        env.setTimer(afterMs, `${ELECT_PREFIX}${tag}` as BroadcastTimer),
      emit,
    });
  }
}

function isOrderMessage(msg: BroadcastMessage): msg is ElectedOrderMessage {
  return (
    msg.type === "prepare" ||
    msg.type === "promise" ||
    msg.type === "reject" ||
    msg.type === "append" ||
    msg.type === "accepted"
  );
}
