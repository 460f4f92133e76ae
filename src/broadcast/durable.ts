import type { DurableStorage, NodeId, StoredValue } from "../core/index.js";
import { DeliveredSet } from "./delivered-set.js";
import type { DataMessage } from "./messages.js";

/** Storage key a running node keeps set; found on a restart, it means the node crashed. */
const LIVE_KEY = "broadcast/live";
/** Storage key of the last sequence number this node used. */
const SEQ_KEY = "broadcast/seq";
/** Storage key of what this node delivered. */
const DELIVERED_KEY = "broadcast/delivered";
/** Storage key of how many times this node restarted after a crash. */
const INCARNATION_KEY = "broadcast/incarnation";
/** Storage key prefix of this node's own broadcasts not yet delivered everywhere. */
const OWN_PREFIX = "broadcast/own/";

/** What a node restarted after a crash reads back. */
export interface ReadBack {
  readonly seq: number;
  /** Undefined when nothing was stored; `unreadable` when what was stored is damaged. */
  readonly done: DeliveredSet | "unreadable" | undefined;
  /** This life's incarnation: one more than the last (already stored and synced). */
  readonly incarnation: number;
  /** Own broadcasts kept because they were not yet delivered everywhere. */
  readonly own: readonly DataMessage[];
}

/**
 * A broadcast node's durable state, every key under `broadcast/`: the
 * running mark, the sequence counter, the delivered set, the incarnation and
 * its own broadcasts until they are stable. Writes that a promise depends on
 * are synced before the caller acts.
 */
export class BroadcastStore {
  readonly #storage: DurableStorage;

  constructor(storage: DurableStorage) {
    this.#storage = storage;
  }

  /** Whether the running mark is set: the node did not stop cleanly. */
  crashed(): boolean {
    return this.#storage.get(LIVE_KEY) === true;
  }

  /** Sets the running mark (synced). */
  markLive(): void {
    this.#storage.put(LIVE_KEY, true);
    this.#storage.sync();
  }

  /** Deletes every broadcast key, the running mark included (not synced). */
  clear(): void {
    for (const key of this.#storage.keys("broadcast/")) this.#storage.delete(key);
  }

  /** Keeps sequence number `seq` as used and its message, synced. */
  saveBroadcast(seq: number, body: string, vc: readonly number[]): void {
    this.#storage.put(SEQ_KEY, seq);
    this.#storage.put(`${OWN_PREFIX}${seq}`, { body, vc: [...vc] });
    this.#storage.sync();
  }

  /** Keeps what was delivered, synced. */
  saveDelivered(done: DeliveredSet): void {
    this.#storage.put(DELIVERED_KEY, done.toStored());
    this.#storage.sync();
  }

  /** Forgets own broadcast `seq`, now stable (not synced: a leftover is only spread again). */
  forgetOwn(seq: number): void {
    this.#storage.delete(`${OWN_PREFIX}${seq}`);
  }

  /** Reads everything back after a crash and stores the next incarnation (synced). */
  readBack(self: NodeId): ReadBack {
    const s = this.#storage;
    const seqStored = s.get(SEQ_KEY);
    const seq = typeof seqStored === "number" && Number.isSafeInteger(seqStored) ? seqStored : 0;
    const doneStored = s.get(DELIVERED_KEY);
    const done =
      doneStored === undefined ? undefined : (DeliveredSet.fromStored(doneStored) ?? "unreadable");
    const inc = s.get(INCARNATION_KEY);
    const incarnation = (typeof inc === "number" && Number.isSafeInteger(inc) ? inc : 0) + 1;
    s.put(INCARNATION_KEY, incarnation);
    s.sync();
    const own: DataMessage[] = [];
    for (const key of s.keys(OWN_PREFIX)) {
      const stored = s.get(key);
      const seqOf = Number(key.slice(OWN_PREFIX.length));
      if (typeof stored !== "object" || stored === null || !Number.isSafeInteger(seqOf)) continue;
      const rec = stored as { readonly body?: StoredValue; readonly vc?: StoredValue };
      if (typeof rec.body !== "string" || !Array.isArray(rec.vc)) continue;
      const vc = (rec.vc as readonly StoredValue[]).filter(
        (x): x is number => typeof x === "number",
      );
      own.push({ type: "data", origin: self, seq: seqOf, body: rec.body, vc });
    }
    return { seq: Math.max(seq, ...own.map((m) => m.seq)), done, incarnation, own };
  }
}
