import { compareHlc, HybridLogicalClock } from "../clock/hlc.js";
import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import { checkGossipConfig, type GossipConfig, isKeeper } from "./config.js";
import { WIRE_LIMITS } from "./messages.js";
import { type MapValue, type MergeResult, VersionedMap, type WireEntry } from "./versioned-map.js";

/**
 * What the anti-entropy and rumor-mongering nodes share: a replicated
 * last-writer-wins map whose versions come from a hybrid logical clock over
 * `env.now()`, so a write made after a node has seen another write always
 * supersedes it. State is in memory: after a crash a node starts empty and
 * gossip refills it.
 */
export class GossipReplica<M> {
  protected env!: Env<M>;
  protected map!: VersionedMap;
  protected hlc!: HybridLogicalClock;
  protected readonly config: GossipConfig;

  /** Throws a `RangeError` naming the field when `config` fails `checkGossipConfig`. */
  constructor(config: GossipConfig) {
    const problem = checkGossipConfig(config);
    if (problem !== undefined) throw new RangeError(`gossip config: ${problem}`);
    this.config = config;
  }

  /** Binds to the env; subclasses call this first in `start`. */
  protected bind(env: Env<M>): void {
    this.env = env;
    this.hlc = new HybridLogicalClock(() => env.now());
    const { cluster, self } = env;
    const keepers = this.config.dormantKeepers;
    this.map = new VersionedMap({
      certTtlMs: this.config.certTtlMs,
      dormantTtlMs: this.config.dormantTtlMs,
      isKeeper: (key) => isKeeper(key, self, cluster, keepers),
    });
  }

  /** The live value of `key` at this node, or undefined. */
  get(key: string): MapValue | undefined {
    return this.map.get(key);
  }

  /** Live contents, ascending by key. */
  contents(): [string, MapValue][] {
    return this.map.live();
  }

  /** Counts of live entries, active and dormant certificates. */
  counts(): { live: number; certificates: number; dormant: number } {
    return this.map.counts();
  }

  /** Writes `key` locally with a fresh version; gossip spreads it. Returns the entry. */
  put(key: string, value: MapValue): WireEntry {
    return this.#write(key, value, false);
  }

  /** Deletes `key` locally with a death certificate; gossip spreads it. Returns the certificate. */
  delete(key: string): WireEntry {
    return this.#write(key, null, true);
  }

  /** Merges an entry from a peer, advancing the clock past its version; emits what changed. */
  protected mergeRemote(entry: WireEntry): MergeResult {
    this.hlc.receive({ l: entry.version.l, c: entry.version.c });
    const result = this.map.merge(entry, this.env.now());
    if (result === "newer") {
      this.env.emit({
        type: "gossipLearned",
        key: entry.key,
        deleted: entry.deleted,
        version: entry.version,
      });
    } else if (result === "reawakened") {
      this.env.emit({ type: "gossipReawakened", key: entry.key });
    }
    return result;
  }

  /** Expires death certificates; emits what went dormant or was dropped. */
  protected expireCertificates(): void {
    const { dormant, dropped } = this.map.expire(this.env.now());
    for (const key of dormant) this.env.emit({ type: "gossipCertDormant", key });
    for (const key of dropped) this.env.emit({ type: "gossipCertDropped", key });
  }

  #write(key: string, value: MapValue, deleted: boolean): WireEntry {
    if (key.length > WIRE_LIMITS.keyLengthMax) {
      throw new RangeError(
        `gossip key: expected at most ${WIRE_LIMITS.keyLengthMax} chars, got ${key.length}`,
      );
    }
    const ts = this.hlc.tick();
    const held = this.map.entry(key);
    if (held !== undefined) {
      const newer = compareHlc(ts, held.entry.version) > 0;
      assert(
        newer,
        () =>
          `hlc stamped ${ts.l}.${ts.c}, not after held ${held.entry.version.l}.${held.entry.version.c}`,
      );
    }
    const entry: WireEntry = deleted
      ? { key, value: null, version: { ...ts, node: this.env.self }, deleted: true, certAgeMs: 0 }
      : { key, value, version: { ...ts, node: this.env.self }, deleted: false };
    const result = this.map.merge(entry, this.env.now());
    assert(result === "newer", () => `a local write of ${key} was ${result}`);
    this.env.emit({
      type: "gossipWrote",
      key,
      value: entry.value,
      deleted,
      version: entry.version,
    });
    return entry;
  }
}
