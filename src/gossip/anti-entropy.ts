import { assertNever } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { Protocol, ProtocolNode } from "../core/protocol.js";
import { checkGossipConfig, GOSSIP_DEFAULTS, type GossipConfig, randomPeer } from "./config.js";
import { type AntiEntropyMessage, validateAntiEntropy, WIRE_LIMITS } from "./messages.js";
import { GossipReplica } from "./replica.js";

/**
 * Anti-entropy (Demers et al. 1987, section 1.3) as a protocol node. Every
 * `periodMs` it picks a uniformly random peer and resolves differences by
 * digest: checksum first, then the responder's digest, then only the entries
 * that differ move — towards the peer (push), from it (pull) or both
 * (push-pull). Deletions travel as death certificates that expire after τ1,
 * kept dormant for τ2 by a few keeper nodes. Guarantee: with push-pull (or
 * pull, or push) and a connected network, every node eventually holds the
 * newest version of every key that some live node holds.
 */
export class AntiEntropyNode
  extends GossipReplica<AntiEntropyMessage>
  implements ProtocolNode<AntiEntropyMessage>
{
  /** Entries this node has sent, for traffic figures. */
  entriesSent = 0;

  start(env: Env<AntiEntropyMessage>, _recovered: boolean): void {
    this.bind(env);
    env.setTimer(env.random() * this.config.periodMs, "round");
  }

  onTimer(tag: string): void {
    if (tag !== "round") return;
    this.expireCertificates();
    const peer = randomPeer(this.env.self, this.env.cluster, () => this.env.random());
    if (peer !== undefined) this.env.send(peer, { type: "aeHello", checksum: this.map.checksum() });
    this.env.setTimer(this.config.periodMs, "round");
  }

  onMessage(from: NodeId, msg: AntiEntropyMessage): void {
    switch (msg.type) {
      case "aeHello":
        if (msg.checksum !== this.map.checksum()) {
          this.env.send(from, {
            type: "aeDigest",
            items: this.map.digest().slice(0, WIRE_LIMITS.digestItemsMax),
          });
        }
        return;
      case "aeDigest": {
        const { ahead, behind } = this.map.diff(msg.items);
        if (this.config.mode !== "pull") this.#sendEntries(from, ahead);
        if (this.config.mode !== "push" && behind.length > 0) {
          this.env.send(from, {
            type: "aeRequest",
            keys: behind.slice(0, WIRE_LIMITS.digestItemsMax),
          });
        }
        return;
      }
      case "aeRequest":
        this.#sendEntries(from, msg.keys);
        return;
      case "aeEntries":
        for (const entry of msg.entries) this.mergeRemote(entry);
        return;
      default:
        assertNever(msg, "anti-entropy message");
    }
  }

  #sendEntries(to: NodeId, keys: readonly string[]): void {
    const entries = this.map.entries(keys, this.env.now());
    for (let i = 0; i < entries.length; i += WIRE_LIMITS.entriesPerMessageMax) {
      const chunk = entries.slice(i, i + WIRE_LIMITS.entriesPerMessageMax);
      this.entriesSent += chunk.length;
      this.env.send(to, { type: "aeEntries", entries: chunk });
    }
  }
}

/** Anti-entropy as a registered protocol (`cohort start --protocol gossip-anti-entropy`). */
export const antiEntropyProtocol: Protocol<AntiEntropyMessage, string, GossipConfig> = {
  name: "gossip-anti-entropy",
  summary: "anti-entropy by digest (push, pull, push-pull) over a LWW map with death certificates",
  defaults: GOSSIP_DEFAULTS,
  checkConfig: checkGossipConfig,
  create: (_id, config) => new AntiEntropyNode(config),
  validate: validateAntiEntropy,
};
