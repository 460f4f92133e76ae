import type { Env } from "../../core/env.js";
import type { NodeId } from "../../core/ids.js";
import type { Protocol, ProtocolNode } from "../../core/protocol.js";
import { checkNat, checkTagged, firstProblem, isRecord } from "../../core/validate.js";

/**
 * The real-host throughput benchmark as a protocol: node 0 streams small
 * `d` messages to node 1 with a window of `windowMessages` unacknowledged
 * ones; node 1 acknowledges every `ackEvery`. After `durationMs` from the first
 * message, node 1 emits `flood` with the count it received and the elapsed
 * time. The window is flow control at the protocol level, so no message is
 * dropped for a full queue and the figure is what was really delivered.
 */
export type FloodMsg =
  | { readonly type: "d"; readonly n: number }
  | { readonly type: "ack"; readonly count: number };

/** The benchmark's settings. */
export interface FloodConfig {
  readonly windowMessages: number;
  readonly ackEvery: number;
  readonly durationMs: number;
}

class FloodNode implements ProtocolNode<FloodMsg, "done"> {
  private env!: Env<FloodMsg, "done">;
  private sent = 0;
  private received = 0;
  private firstMs: number | undefined;
  private finished = false;

  constructor(private readonly config: FloodConfig) {}

  start(env: Env<FloodMsg, "done">): void {
    this.env = env;
    if (env.self === 0) this.fill(0);
  }

  onMessage(_from: NodeId, msg: FloodMsg): void {
    if (msg.type === "ack") {
      this.fill(msg.count);
      return;
    }
    if (this.finished) return;
    if (this.firstMs === undefined) {
      this.firstMs = this.env.now();
      this.env.setTimer(this.config.durationMs, "done");
    }
    this.received++;
    if (this.received % this.config.ackEvery === 0)
      this.env.send(0, { type: "ack", count: this.received });
  }

  onTimer(_tag: "done"): void {
    this.finished = true;
    const elapsedMs = this.env.now() - (this.firstMs ?? 0);
    this.env.emit({
      type: "flood",
      delivered: this.received,
      elapsedMs,
      perSec: (this.received / elapsedMs) * 1000,
    });
  }

  /** Sends until `windowMessages` are unacknowledged beyond `acked`. */
  private fill(acked: number): void {
    const limit = acked + this.config.windowMessages;
    while (this.sent < limit) this.env.send(1, { type: "d", n: this.sent++ });
  }
}

/** The flood protocol, for `--protocol-module dist/net/testing/flood.js` and the net benchmark. */
export const protocol: Protocol<FloodMsg, "done", FloodConfig> = {
  name: "flood",
  summary: "node 0 streams small messages to node 1 under a window: the host benchmark",
  defaults: { windowMessages: 50_000, ackEvery: 1_000, durationMs: 2_000 },
  checkConfig(config) {
    if (!isRecord(config)) return "config: expected an object";
    return firstProblem(
      checkNat(config, "windowMessages"),
      checkNat(config, "ackEvery"),
      checkNat(config, "durationMs"),
    );
  },
  create: (_id, config) => new FloodNode(config),
  validate(msg) {
    const tagged = checkTagged(msg, ["d", "ack"]);
    if (tagged !== undefined || !isRecord(msg)) return tagged;
    return msg.type === "d" ? checkNat(msg, "n") : checkNat(msg, "count");
  },
};
