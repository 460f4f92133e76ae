import { assertNever } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { Protocol, ProtocolNode } from "../core/protocol.js";
import { checkGossipConfig, GOSSIP_DEFAULTS, type GossipConfig, randomPeer } from "./config.js";
import { type RumorMessage, validateRumor, WIRE_LIMITS } from "./messages.js";
import { GossipReplica } from "./replica.js";
import type { MapValue, WireEntry } from "./versioned-map.js";

/** The id of a rumor: its key and version. */
export function rumorId(entry: WireEntry): string {
  const v = entry.version;
  return `${entry.key}@${v.l}.${v.c}.${v.node}`;
}

/**
 * Rumor mongering (Demers et al. 1987, section 1.4) as a protocol node. A
 * node that learns an update makes it a hot rumor and, every `periodMs`,
 * shares its hot rumors with one random peer (push), asks one for theirs
 * (pull), or both. It loses interest in a rumor with probability 1/k per
 * counted contact (coin) or after k counted contacts (counter); with feedback
 * only contacts whose receiver already knew it count (the receiver says so in
 * `rumorAck`), and a contact that was news resets the counter; blind counts
 * every contact. A node accepts at most `connectionLimit` contacts per period
 * (0: any number). Rumor mongering may leave some nodes uninformed (the
 * residue); anti-entropy is what guarantees eventual delivery.
 */
export class RumorNode extends GossipReplica<RumorMessage> implements ProtocolNode<RumorMessage> {
  /** Rumor entries this node has sent, for traffic figures. */
  entriesSent = 0;
  readonly #hot = new Map<string, { entry: WireEntry; counter: number }>();
  #contactsThisPeriod = 0;

  start(env: Env<RumorMessage>, _recovered: boolean): void {
    this.bind(env);
    env.setTimer(env.random() * this.config.periodMs, "round");
  }

  /** Ids of the rumors this node is still spreading. */
  hotRumors(): string[] {
    return [...this.#hot.keys()];
  }

  override put(key: string, value: MapValue): WireEntry {
    const entry = super.put(key, value);
    this.#makeHot(entry);
    return entry;
  }

  override delete(key: string): WireEntry {
    const entry = super.delete(key);
    this.#makeHot(entry);
    return entry;
  }

  onTimer(tag: string): void {
    if (tag !== "round") return;
    this.#contactsThisPeriod = 0;
    this.expireCertificates();
    this.env.setTimer(this.config.periodMs, "round");
    const peer = randomPeer(this.env.self, this.env.cluster, () => this.env.random());
    if (peer === undefined) return;
    const { mode } = this.config;
    if (mode !== "pull" && this.#hot.size > 0) {
      this.#sendHot(peer, true, mode === "pushpull");
    } else if (mode !== "push") {
      this.env.send(peer, { type: "rumorPull" });
    }
  }

  onMessage(from: NodeId, msg: RumorMessage): void {
    switch (msg.type) {
      case "rumor":
        if (msg.contact && !this.#acceptContact(from)) return;
        this.#receive(from, msg.entries);
        if (msg.reply && this.#hot.size > 0) this.#sendHot(from, false, false);
        return;
      case "rumorPull":
        if (!this.#acceptContact(from)) return;
        if (this.#hot.size > 0) this.#sendHot(from, false, false);
        return;
      case "rumorAck":
        if (!this.config.feedback) return;
        msg.ids.forEach((id, i) => {
          this.#feedback(id, msg.needed[i] === true);
        });
        return;
      default:
        assertNever(msg, "rumor message");
    }
  }

  #acceptContact(from: NodeId): boolean {
    const limit = this.config.connectionLimit;
    if (limit > 0 && this.#contactsThisPeriod >= limit) {
      this.env.emit({ type: "rumorRefused", from });
      return false;
    }
    this.#contactsThisPeriod++;
    return true;
  }

  /** Merges received rumors, makes news hot, and acknowledges which were news. */
  #receive(from: NodeId, entries: readonly WireEntry[]): void {
    const ids: string[] = [];
    const needed: boolean[] = [];
    for (const entry of entries) {
      const result = this.mergeRemote(entry);
      const news = result === "newer";
      if (news) this.#makeHot(entry);
      ids.push(rumorId(entry));
      needed.push(news);
    }
    if (this.config.feedback && ids.length > 0)
      this.env.send(from, { type: "rumorAck", ids, needed });
  }

  #sendHot(to: NodeId, contact: boolean, reply: boolean): void {
    this.#dropSuperseded();
    if (this.#hot.size === 0) return;
    const hot = [...this.#hot.entries()].slice(0, WIRE_LIMITS.entriesPerMessageMax);
    const entries = this.map.entries(
      hot.map(([, h]) => h.entry.key),
      this.env.now(),
    );
    this.entriesSent += entries.length;
    this.env.send(to, { type: "rumor", entries, contact, reply });
    if (!this.config.feedback) for (const [id] of hot) this.#countContact(id);
  }

  /** Forgets hot rumors whose entry the map no longer offers (superseded, or an expired certificate). */
  #dropSuperseded(): void {
    for (const [id, hot] of this.#hot) {
      const held = this.map.entry(hot.entry.key);
      if (held === undefined || held.dormant || rumorId(held.entry) !== id) this.#hot.delete(id);
    }
  }

  /** Feedback: a contact that was news resets a counter; one that was not counts. */
  #feedback(id: string, needed: boolean): void {
    const hot = this.#hot.get(id);
    if (hot === undefined) return;
    if (needed) {
      if (this.config.policy === "counter") hot.counter = 0;
      return;
    }
    this.#countContact(id);
  }

  #countContact(id: string): void {
    const hot = this.#hot.get(id);
    if (hot === undefined) return;
    const lose =
      this.config.policy === "coin"
        ? this.env.random() * this.config.k < 1
        : ++hot.counter >= this.config.k;
    if (lose) {
      this.#hot.delete(id);
      this.env.emit({ type: "rumorCold", id });
    }
  }

  #makeHot(entry: WireEntry): void {
    for (const [id, hot] of this.#hot) if (hot.entry.key === entry.key) this.#hot.delete(id);
    this.#hot.set(rumorId(entry), { entry, counter: 0 });
  }
}

/** Rumor mongering as a registered protocol (`cohort start --protocol gossip-rumor`). */
export const rumorProtocol: Protocol<RumorMessage, string, GossipConfig> = {
  name: "gossip-rumor",
  summary: "rumor mongering: blind/feedback, coin/counter, push/pull/push-pull, connection limits",
  defaults: GOSSIP_DEFAULTS,
  checkConfig: checkGossipConfig,
  create: (_id, config) => new RumorNode(config),
  validate: validateRumor,
};
