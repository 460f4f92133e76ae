import type { DurableStorage, RecoveryReport, StoredValue } from "../../core/index.js";
import { CLEAN_RECOVERY } from "../../core/index.js";

/** In-memory storage for tests: `synced` survives a crash (`afterCrash()`), unsynced writes do not. */
export class MemoryStorage implements DurableStorage {
  readonly recovery: RecoveryReport = CLEAN_RECOVERY;
  private live = new Map<string, StoredValue>();
  private synced = new Map<string, StoredValue>();

  get(key: string): StoredValue | undefined {
    return this.live.get(key);
  }
  put(key: string, value: StoredValue): void {
    this.live.set(key, structuredClone(value));
  }
  delete(key: string): void {
    this.live.delete(key);
  }
  keys(prefix = ""): string[] {
    return [...this.live.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
  sync(): void {
    this.synced = new Map(this.live);
  }
  /** What a restarted node sees: only what was synced. */
  afterCrash(): MemoryStorage {
    const next = new MemoryStorage();
    next.live = new Map(this.synced);
    next.synced = new Map(this.synced);
    return next;
  }
}
