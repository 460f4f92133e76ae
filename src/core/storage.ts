/**
 * Durable storage as a protocol sees it: a small key-value store whose writes
 * become durable only when `sync()` returns. A crash loses every write after the
 * last completed `sync()`; on recovery a host may also report that part of what
 * was synced came back torn or corrupt and was cut (see `RecoveryReport`).
 *
 * Values are plain data (what msgpack can encode: numbers, strings, booleans,
 * null, arrays, plain objects, Uint8Array). Hosts copy on write, so a protocol
 * may keep mutating the object it stored without changing what was stored.
 */
export interface DurableStorage {
  /** The value last put under `key`, or undefined. */
  get(key: string): StoredValue | undefined;
  /** Sets `key`; durable only after the next `sync()`. */
  put(key: string, value: StoredValue): void;
  /** Removes `key`; durable only after the next `sync()`. */
  delete(key: string): void;
  /** Keys that start with `prefix`, in ascending order. */
  keys(prefix?: string): string[];
  /** Makes every earlier put and delete durable. Returns when they are. */
  sync(): void;
  /** What the host found when it reopened this storage after a crash. */
  readonly recovery: RecoveryReport;
}

/** A value storage can hold: anything msgpack encodes. */
export type StoredValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly StoredValue[]
  | { readonly [key: string]: StoredValue };

/** How the last reopening of storage went. */
export interface RecoveryReport {
  /** Records read back intact. */
  readonly recordsRecovered: number;
  /** Records cut from the tail because they were torn or failed their checksum. */
  readonly recordsTruncated: number;
  /** Why the tail was cut, when it was: e.g. `crc mismatch at byte 4096`. */
  readonly reason?: string;
}

/** The report of storage that opened cleanly, or was new. */
export const CLEAN_RECOVERY: RecoveryReport = { recordsRecovered: 0, recordsTruncated: 0 };
