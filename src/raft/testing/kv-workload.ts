import type { NodeId } from "../../core/ids.js";
import type { KvOp } from "../kv.js";

/** The keys every randomized key-value workload uses (few, so operations collide). */
export const KV_WORKLOAD_KEYS: readonly string[] = ["a", "b", "c", "d"];

/**
 * A workload's mix as cumulative thresholds on one random draw: below `put` a
 * put, below `get` a get, below `cas` a compare-and-set, below `delete` a
 * delete, otherwise a range.
 */
export interface KvMix {
  readonly put: number;
  readonly get: number;
  readonly cas: number;
  readonly delete: number;
}

/** 35% puts, 30% gets, 15% cas, 10% deletes, 10% ranges. */
export const KV_MIX_DEFAULT: KvMix = { put: 0.35, get: 0.65, cas: 0.8, delete: 0.9 };

/**
 * The next-operation function of a randomized client: `opsMax` operations
 * over `KV_WORKLOAD_KEYS`, values unique per client and sequence number (so a
 * history can tell writes apart), a cas expecting the client's previous value.
 */
export function kvWorkload(
  clientId: NodeId,
  opsMax: number,
  mix: KvMix = KV_MIX_DEFAULT,
): (random: () => number, seq: number) => KvOp | undefined {
  const keys = KV_WORKLOAD_KEYS;
  return (random, seq) => {
    if (seq > opsMax) return undefined;
    const key = keys[Math.floor(random() * keys.length)] ?? "a";
    const r = random();
    if (r < mix.put) return { op: "put", key, value: `${clientId}.${seq}` };
    if (r < mix.get) return { op: "get", key };
    if (r < mix.cas)
      return { op: "cas", key, from: `${clientId}.${seq - 1}`, to: `${clientId}.${seq}` };
    if (r < mix.delete) return { op: "delete", key };
    return { op: "range", start: "a", end: "z", limit: 10 };
  };
}
