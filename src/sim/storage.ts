import {
  CLEAN_RECOVERY,
  type DurableStorage,
  type RecoveryReport,
  type StoredValue,
} from "../core/index.js";

/** One record of the simulated log: a put (value) or a delete (value undefined). */
interface LogRecord {
  readonly key: string;
  readonly value: StoredValue | undefined;
  /** Set by the `disk` nemesis, or by a torn write: recovery cuts the log here. */
  damage?: "corrupt" | "torn";
}

/** Compact the log at a sync when it holds this many times more records than live keys (and at least this many). */
const COMPACT_RATIO = 4;
const COMPACT_RECORDS_MIN = 64;

function copyValue(value: StoredValue): StoredValue {
  return typeof value === "object" && value !== null ? structuredClone(value) : value;
}

/**
 * The simulator's `DurableStorage`: an in-memory record log. Every put and
 * delete appends a record; `sync()` makes every record so far durable. A crash
 * keeps the synced records and loses the rest — or, torn, keeps a random prefix
 * of the rest whose last record is torn. Recovery replays the log up to the
 * first damaged record (torn, or corrupted by the `disk` nemesis), cuts it and
 * everything after, and says so in `recovery`.
 *
 * Values are copied on the way in and on the way out, so neither the protocol's
 * later mutations nor mutations of what `get` returned change what is stored.
 */
export class SimStorage implements DurableStorage {
  private log: LogRecord[] = [];
  private syncedCount = 0;
  private view = new Map<string, StoredValue>();
  /** Set by `disk {mode: "torn"}`: the next crash tears the unsynced tail. */
  tearNextCrash = false;
  recovery: RecoveryReport = CLEAN_RECOVERY;

  /** `onSync`, when given, is told of every `sync()` with the number of records it made durable. */
  constructor(private readonly onSync?: (records: number) => void) {}

  get(key: string): StoredValue | undefined {
    const value = this.view.get(key);
    return value === undefined ? undefined : copyValue(value);
  }

  put(key: string, value: StoredValue): void {
    const copy = copyValue(value);
    this.log.push({ key, value: copy });
    this.view.set(key, copy);
  }

  delete(key: string): void {
    if (!this.view.has(key)) return;
    this.log.push({ key, value: undefined });
    this.view.delete(key);
  }

  keys(prefix = ""): string[] {
    const found: string[] = [];
    for (const key of this.view.keys()) if (key.startsWith(prefix)) found.push(key);
    return found.sort();
  }

  sync(): void {
    const records = this.log.length - this.syncedCount;
    this.syncedCount = this.log.length;
    this.onSync?.(records);
    if (
      this.log.length >= COMPACT_RECORDS_MIN &&
      this.log.length > COMPACT_RATIO * this.view.size
    ) {
      this.compact();
    }
  }

  /** The live view (for checks). */
  snapshot(): ReadonlyMap<string, StoredValue> {
    return this.view;
  }

  /** Records appended and not yet synced. */
  get unsyncedCount(): number {
    return this.log.length - this.syncedCount;
  }

  /**
   * The process died: what was not synced is lost, or with `tear` a prefix of
   * `keepUnsynced` unsynced records reached the disk, the last of them torn.
   */
  crash(tear: boolean, draw: () => number): void {
    const unsynced = this.log.length - this.syncedCount;
    if ((tear || this.tearNextCrash) && unsynced > 0) {
      const reached = 1 + Math.floor(draw() * unsynced);
      this.log.length = this.syncedCount + reached;
      const last = this.log[this.log.length - 1]!;
      last.damage = "torn";
    } else {
      this.log.length = this.syncedCount;
    }
    this.tearNextCrash = false;
    this.syncedCount = this.log.length;
  }

  /** Flips a random synced record (the `disk` nemesis). Returns its index, or -1 when nothing is synced. */
  corruptSynced(draw: () => number): number {
    if (this.syncedCount === 0) return -1;
    const index = Math.floor(draw() * this.syncedCount);
    this.log[index]!.damage = "corrupt";
    return index;
  }

  /** Reopens after a crash: replays up to the first damaged record, cuts from it, reports. */
  recover(): RecoveryReport {
    const damaged = this.log.findIndex((r) => r.damage !== undefined);
    let report: RecoveryReport;
    if (damaged < 0) {
      report = { recordsRecovered: this.log.length, recordsTruncated: 0 };
    } else {
      const what = this.log[damaged]!.damage === "torn" ? "torn record" : "corrupt record";
      report = {
        recordsRecovered: damaged,
        recordsTruncated: this.log.length - damaged,
        reason: `${what} at index ${damaged}`,
      };
      this.log.length = damaged;
    }
    this.syncedCount = this.log.length;
    this.view = new Map();
    for (const r of this.log) {
      if (r.value === undefined) this.view.delete(r.key);
      else this.view.set(r.key, r.value);
    }
    this.recovery = report;
    return report;
  }

  private compact(): void {
    if (this.log.some((r) => r.damage !== undefined)) return;
    this.log = [];
    for (const [key, value] of this.view) this.log.push({ key, value });
    this.syncedCount = this.log.length;
  }
}
