import type { Env } from "../../core/env.js";
import type { NodeId } from "../../core/ids.js";
import type { Protocol, ProtocolNode } from "../../core/protocol.js";
import { checkNat, checkTagged, firstProblem, isRecord } from "../../core/validate.js";

/**
 * A small protocol that exercises everything a host does, for the host's own
 * tests: each node pings its peers every `pingEveryMs` (timers, sends) and
 * answers pings (delivery); it emits `heard`/`silent` when a peer starts or
 * stops answering (and `heard` again when a peer's ping numbers restart), `firstTick` when its first timer fires, and `boot` with the
 * boot count it read from storage (written, and synced when `syncBoots`).
 */
export type ProbeMsg =
  | { readonly type: "ping"; readonly seq: number }
  | { readonly type: "pong"; readonly seq: number }
  | { readonly type: "bye" };

/** The probe's settings. */
export interface ProbeConfig {
  readonly pingEveryMs: number;
  /** A peer silent this long is reported `silent`. */
  readonly silentAfterMs: number;
  /** Whether the boot counter is synced after being written. */
  readonly syncBoots: boolean;
}

class ProbeNode implements ProtocolNode<ProbeMsg, "tick"> {
  private env!: Env<ProbeMsg, "tick">;
  private seq = 0;
  private startedMs = 0;
  private ticked = false;
  private readonly lastHeardMs = new Map<NodeId, number>();
  private readonly silent = new Set<NodeId>();
  private readonly lastPingSeq = new Map<NodeId, number>();

  constructor(private readonly config: ProbeConfig) {}

  start(env: Env<ProbeMsg, "tick">, recovered: boolean): void {
    this.env = env;
    this.startedMs = env.now();
    const stored = env.storage.get("boots");
    const boots = typeof stored === "number" ? stored : 0;
    env.emit({ type: "boot", recovered, boots, recovery: env.storage.recovery });
    env.storage.put("boots", boots + 1);
    if (this.config.syncBoots) env.storage.sync();
    env.setTimer(this.config.pingEveryMs, "tick");
  }

  onTimer(_tag: "tick"): void {
    const now = this.env.now();
    if (!this.ticked) {
      this.ticked = true;
      this.env.emit({ type: "firstTick", afterMs: Math.round(now - this.startedMs) });
    }
    for (const peer of this.env.cluster) {
      if (peer === this.env.self) continue;
      this.env.send(peer, { type: "ping", seq: this.seq });
      const heard = this.lastHeardMs.get(peer);
      if (
        heard !== undefined &&
        now - heard > this.config.silentAfterMs &&
        !this.silent.has(peer)
      ) {
        this.silent.add(peer);
        this.env.emit({ type: "silent", peer });
      }
    }
    this.seq++;
    this.env.setTimer(this.config.pingEveryMs, "tick");
  }

  onMessage(from: NodeId, msg: ProbeMsg): void {
    if (msg.type === "ping") this.env.send(from, { type: "pong", seq: msg.seq });
    if (msg.type === "bye") {
      this.env.emit({ type: "bye", peer: from });
      return;
    }
    // A ping numbered no higher than the last one from that peer: it restarted.
    const lastSeq = this.lastPingSeq.get(from);
    const restarted = msg.type === "ping" && lastSeq !== undefined && msg.seq <= lastSeq;
    if (msg.type === "ping") this.lastPingSeq.set(from, msg.seq);
    if (!this.lastHeardMs.has(from) || this.silent.has(from) || restarted) {
      this.silent.delete(from);
      this.env.emit(
        restarted ? { type: "heard", peer: from, restarted } : { type: "heard", peer: from },
      );
    }
    this.lastHeardMs.set(from, this.env.now());
  }

  stop(): void {
    this.env.emit({ type: "leaving" });
    for (const peer of this.env.cluster)
      if (peer !== this.env.self) this.env.send(peer, { type: "bye" });
  }
}

/** The probe protocol, as `--protocol-module dist/net/testing/probe.js` loads it. */
export const protocol: Protocol<ProbeMsg, "tick", ProbeConfig> = {
  name: "probe",
  summary: "pings every peer and reports who answers: the host's test protocol",
  defaults: { pingEveryMs: 20, silentAfterMs: 200, syncBoots: true },
  checkConfig(config) {
    if (!isRecord(config)) return "config: expected an object";
    return firstProblem(
      checkNat(config, "pingEveryMs"),
      checkNat(config, "silentAfterMs"),
      typeof config.syncBoots === "boolean" ? undefined : "syncBoots: expected a boolean",
    );
  },
  create: (_id, config) => new ProbeNode(config),
  validate(msg) {
    const tagged = checkTagged(msg, ["ping", "pong", "bye"]);
    if (tagged !== undefined || !isRecord(msg) || msg.type === "bye") return tagged;
    return checkNat(msg, "seq");
  },
};
