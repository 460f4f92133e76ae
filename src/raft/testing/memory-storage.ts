import type { DurableStorage, RecoveryReport, StoredValue } from "../../core/storage.js";
import { CLEAN_RECOVERY } from "../../core/storage.js";

const DELETED = Symbol("deleted");

/**
 * In-memory `DurableStorage` for the test harness: writes sit in an unsynced
 * layer until `sync()`; `crash()` throws that layer away, as a power cut
 * would. `unsynced()` lets the harness assert that nothing leaves a node
 * before what it wrote is durable.
 */
export class MemoryStorage implements DurableStorage {
  private readonly durable = new Map<string, StoredValue>();
  private readonly pending = new Map<string, StoredValue | typeof DELETED>();
  recovery: RecoveryReport = CLEAN_RECOVERY;
  /** How many times `sync()` made something durable. */
  syncCount = 0;

  get(key: string): StoredValue | undefined {
    const p = this.pending.get(key);
    if (p === DELETED) return undefined;
    return p ?? this.durable.get(key);
  }

  put(key: string, value: StoredValue): void {
    this.pending.set(key, structuredClone(value));
  }

  delete(key: string): void {
    this.pending.set(key, DELETED);
  }

  keys(prefix = ""): string[] {
    const out = new Set<string>();
    for (const k of this.durable.keys()) if (k.startsWith(prefix)) out.add(k);
    for (const [k, v] of this.pending) {
      if (!k.startsWith(prefix)) continue;
      if (v === DELETED) out.delete(k);
      else out.add(k);
    }
    return [...out].sort();
  }

  sync(): void {
    if (this.pending.size === 0) return;
    for (const [k, v] of this.pending) {
      if (v === DELETED) this.durable.delete(k);
      else this.durable.set(k, v);
    }
    this.pending.clear();
    this.syncCount++;
  }

  /** True when writes are waiting for `sync()`. */
  unsynced(): boolean {
    return this.pending.size > 0;
  }

  /** Loses every write since the last `sync()`. */
  crash(): void {
    this.pending.clear();
    this.recovery = { recordsRecovered: this.durable.size, recordsTruncated: 0 };
  }
}
