import type { NodeId } from "../core/ids.js";
import type { ExchangeMode, InterestPolicy } from "./rumor-rounds.js";

/** Configuration shared by the anti-entropy and rumor-mongering nodes. */
export interface GossipConfig {
  /** Length of a cycle: each node starts one exchange per period. */
  readonly periodMs: number;
  readonly mode: ExchangeMode;
  /** τ1: how long every node keeps a death certificate after its (re)activation. */
  readonly certTtlMs: number;
  /** τ2: how long the keeper nodes hold it dormant afterwards. */
  readonly dormantTtlMs: number;
  /** How many nodes keep each key's certificates dormant (chosen by a hash of the key). */
  readonly dormantKeepers: number;
  /** Rumor mongering: the coin's 1/k or the counter's limit k. */
  readonly k: number;
  /** Rumor mongering: feedback (only unnecessary contacts count) or blind. */
  readonly feedback: boolean;
  readonly policy: InterestPolicy;
  /** Rumor mongering: contacts a node accepts per period (0: no limit). */
  readonly connectionLimit: number;
}

/** Defaults: 100 ms cycles, push-pull, feedback counter k = 2, τ1 = 30 s, τ2 = 300 s, 2 keepers. */
export const GOSSIP_DEFAULTS: GossipConfig = {
  periodMs: 100,
  mode: "pushpull",
  certTtlMs: 30_000,
  dormantTtlMs: 300_000,
  dormantKeepers: 2,
  k: 2,
  feedback: true,
  policy: "counter",
  connectionLimit: 0,
};

/** The first problem with `config` as `field: expected …, got …`, or undefined. */
export function checkGossipConfig(config: GossipConfig): string | undefined {
  const positive = (name: keyof GossipConfig, v: number) =>
    Number.isFinite(v) && v > 0 ? undefined : `${name}: expected a number > 0, got ${v}`;
  const nat = (name: keyof GossipConfig, v: number) =>
    Number.isSafeInteger(v) && v >= 0 ? undefined : `${name}: expected an integer >= 0, got ${v}`;
  if (!["push", "pull", "pushpull"].includes(config.mode)) {
    return `mode: expected push, pull or pushpull, got ${String(config.mode)}`;
  }
  if (!["coin", "counter"].includes(config.policy)) {
    return `policy: expected coin or counter, got ${String(config.policy)}`;
  }
  if (typeof config.feedback !== "boolean")
    return `feedback: expected a boolean, got ${String(config.feedback)}`;
  return (
    positive("periodMs", config.periodMs) ??
    positive("certTtlMs", config.certTtlMs) ??
    nat("dormantTtlMs", config.dormantTtlMs) ??
    nat("dormantKeepers", config.dormantKeepers) ??
    (config.k >= 1 ? undefined : `k: expected a number >= 1, got ${config.k}`) ??
    nat("connectionLimit", config.connectionLimit)
  );
}

/**
 * Whether `self` keeps `key`'s certificates dormant: the `keepers` nodes that
 * follow a hash of the key around the cluster. Every node computes the same set.
 */
export function isKeeper(
  key: string,
  self: NodeId,
  cluster: readonly NodeId[],
  keepers: number,
): boolean {
  if (cluster.length === 0 || keepers === 0) return false;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  const start = (h >>> 0) % cluster.length;
  for (let j = 0; j < Math.min(keepers, cluster.length); j++) {
    if (cluster[(start + j) % cluster.length] === self) return true;
  }
  return false;
}

/** A uniformly random node other than `self`, drawn with `random` (undefined when alone). */
export function randomPeer(
  self: NodeId,
  cluster: readonly NodeId[],
  random: () => number,
): NodeId | undefined {
  const others = cluster.length - (cluster.includes(self) ? 1 : 0);
  if (others <= 0) return undefined;
  let index = Math.floor(random() * others);
  for (const id of cluster) {
    if (id === self) continue;
    if (index === 0) return id;
    index--;
  }
  return undefined;
}
