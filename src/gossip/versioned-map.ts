import { assert } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";

/** A scalar a replicated map holds. */
export type MapValue = string | number | boolean | null;

/**
 * The version of a write: a hybrid logical clock timestamp (l, c) of the
 * writer, and the writer's id to break ties. Totally ordered; the newest wins.
 */
export interface Version {
  readonly l: number;
  readonly c: number;
  readonly node: NodeId;
}

/** An entry as it travels: a live value, or a death certificate (`deleted`). */
export interface WireEntry {
  readonly key: string;
  readonly value: MapValue;
  readonly version: Version;
  readonly deleted: boolean;
  /** A certificate's age at the sender in ms (0 when (re)activated); absent for live values. */
  readonly certAgeMs?: number;
}

/** One line of a digest: a key and the version held. */
export interface DigestItem {
  readonly key: string;
  readonly version: Version;
}

/** How a merged entry compared with what was held. */
export type MergeResult = "newer" | "same" | "stale" | "reawakened";

/** Options of death certificates (Demers et al. 1987, section 2). */
export interface CertificateOptions {
  /** τ1: how long every site keeps an active certificate, from its (re)activation. */
  readonly certTtlMs: number;
  /** τ2: how long a keeper site keeps it dormant after that. */
  readonly dormantTtlMs: number;
  /** Whether this site keeps `key`'s certificates dormant after τ1. */
  isKeeper(key: string): boolean;
}

interface Held {
  entry: WireEntry;
  /** Local time (ms) at which a certificate was (re)activated, back-dated by its age. */
  activatedAtMs: number;
  dormant: boolean;
}

/** Orders versions: negative when a is older. */
export function compareVersions(a: Version, b: Version): number {
  if (a.l !== b.l) return a.l - b.l;
  if (a.c !== b.c) return a.c - b.c;
  return a.node - b.node;
}

/**
 * A last-writer-wins map replicated by gossip, with deletions as death
 * certificates. Guarantees: merging the same set of entries in any order
 * leaves the same live contents (the newest version of each key wins); a
 * deletion beats every older write it meets while its certificate lives; an
 * active certificate is dropped τ1 after its activation, except at keeper
 * sites, which hold it dormant (out of digests) for τ2 more and reactivate it
 * when an older write for its key arrives.
 */
export class VersionedMap {
  readonly #held = new Map<string, Held>();
  readonly #options: CertificateOptions;

  constructor(options: CertificateOptions) {
    assert(options.certTtlMs > 0, () => `certTtlMs must be > 0, got ${options.certTtlMs}`);
    assert(options.dormantTtlMs >= 0, () => `dormantTtlMs must be >= 0`);
    this.#options = options;
  }

  /** The live value of `key`, or undefined when absent or deleted. */
  get(key: string): MapValue | undefined {
    const held = this.#held.get(key);
    return held === undefined || held.entry.deleted ? undefined : held.entry.value;
  }

  /** The held entry of `key` (live, certificate or dormant certificate). */
  entry(key: string): { entry: WireEntry; dormant: boolean } | undefined {
    const held = this.#held.get(key);
    return held && { entry: held.entry, dormant: held.dormant };
  }

  /** Live keys and their values, ascending by key. */
  live(): [string, MapValue][] {
    return [...this.#held.values()]
      .filter((h) => !h.entry.deleted)
      .map((h): [string, MapValue] => [h.entry.key, h.entry.value])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Counts of what is held. */
  counts(): { live: number; certificates: number; dormant: number } {
    let live = 0;
    let certificates = 0;
    let dormant = 0;
    for (const h of this.#held.values()) {
      if (!h.entry.deleted) live++;
      else if (h.dormant) dormant++;
      else certificates++;
    }
    return { live, certificates, dormant };
  }

  /**
   * Merges an entry that arrived (or a local write) at local time `nowMs`.
   * Returns `newer` when it replaced what was held (or nothing was), `same`,
   * `stale` when what was held is newer, `reawakened` when it was older than a
   * dormant certificate, which is active again from now.
   */
  merge(incoming: WireEntry, nowMs: number): MergeResult {
    const held = this.#held.get(incoming.key);
    const order = held === undefined ? 1 : compareVersions(incoming.version, held.entry.version);
    if (order === 0) return "same";
    if (order < 0) {
      if (held?.dormant === true && !incoming.deleted) {
        held.dormant = false;
        held.activatedAtMs = nowMs;
        return "reawakened";
      }
      return "stale";
    }
    if (!incoming.deleted) {
      this.#held.set(incoming.key, { entry: incoming, activatedAtMs: nowMs, dormant: false });
      return "newer";
    }
    const ageMs = incoming.certAgeMs ?? 0;
    const entry: WireEntry = { ...incoming, value: null, certAgeMs: 0 };
    const expired = ageMs >= this.#options.certTtlMs;
    if (expired && !this.#options.isKeeper(incoming.key)) this.#held.delete(incoming.key);
    else this.#held.set(incoming.key, { entry, activatedAtMs: nowMs - ageMs, dormant: expired });
    return "newer";
  }

  /** The entries of `keys` that are held and not dormant, certificates carrying their age. */
  entries(keys: Iterable<string>, nowMs: number): WireEntry[] {
    const out: WireEntry[] = [];
    for (const key of keys) {
      const held = this.#held.get(key);
      if (held === undefined || held.dormant) continue;
      out.push(this.#wire(held, nowMs));
    }
    return out;
  }

  /** What this site offers in an exchange: every non-dormant entry's version, ascending by key. */
  digest(): DigestItem[] {
    const items: DigestItem[] = [];
    for (const h of this.#held.values()) {
      if (!h.dormant) items.push({ key: h.entry.key, version: h.entry.version });
    }
    return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Compares a peer's digest with ours: `ahead` are our keys the peer lacks
   * or holds older; `behind` are keys the peer holds newer or we lack (a
   * dormant certificate counts as lacking, so an obsolete write comes to it).
   */
  diff(theirs: readonly DigestItem[]): { ahead: string[]; behind: string[] } {
    const seen = new Set<string>();
    const ahead: string[] = [];
    const behind: string[] = [];
    for (const item of theirs) {
      seen.add(item.key);
      const held = this.#held.get(item.key);
      const order =
        held === undefined || held.dormant ? -1 : compareVersions(held.entry.version, item.version);
      if (order > 0) ahead.push(item.key);
      else if (order < 0) behind.push(item.key);
    }
    for (const h of this.#held.values()) {
      if (!h.dormant && !seen.has(h.entry.key)) ahead.push(h.entry.key);
    }
    return { ahead, behind };
  }

  /**
   * Expires certificates at local time `nowMs`: an active one older than τ1
   * becomes dormant at a keeper and is dropped elsewhere; a dormant one older
   * than τ1 + τ2 is dropped. Returns what it did.
   */
  expire(nowMs: number): { dormant: string[]; dropped: string[] } {
    const dormant: string[] = [];
    const dropped: string[] = [];
    const { certTtlMs, dormantTtlMs } = this.#options;
    for (const [key, h] of this.#held) {
      if (!h.entry.deleted) continue;
      const ageMs = nowMs - h.activatedAtMs;
      if (!h.dormant && ageMs >= certTtlMs) {
        if (this.#options.isKeeper(key)) {
          h.dormant = true;
          dormant.push(key);
        } else {
          this.#held.delete(key);
          dropped.push(key);
        }
      } else if (h.dormant && ageMs >= certTtlMs + dormantTtlMs) {
        this.#held.delete(key);
        dropped.push(key);
      }
    }
    return { dormant, dropped };
  }

  /** A checksum of the digest: equal maps give equal checksums (unequal ones almost surely differ). */
  checksum(): string {
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (const item of this.digest()) {
      const text = `${item.key}\u0000${item.version.l}.${item.version.c}.${item.version.node};`;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        a = Math.imul(a ^ code, 0x01000193);
        b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
      }
    }
    return `${(a >>> 0).toString(16)}${(b >>> 0).toString(16).padStart(8, "0")}`;
  }

  #wire(held: Held, nowMs: number): WireEntry {
    if (!held.entry.deleted) return held.entry;
    return { ...held.entry, certAgeMs: Math.max(0, nowMs - held.activatedAtMs) };
  }
}
