import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { assert } from "../core/assert.js";
import type { DurableStorage, RecoveryReport, StoredValue } from "../core/storage.js";
import { frameRecord, LOG_MAGIC, RECORD_HEADER_BYTES, scanLog } from "./record-log.js";
import { codec } from "./wire.js";

/** Operations recorded in the log. */
const OP_PUT = 1;
const OP_DELETE = 2;

/** When to rewrite the log: it is at least `compactBytesMin` and more than half garbage. */
export interface CompactionPolicy {
  readonly compactBytesMin: number;
}

interface Entry {
  readonly value: StoredValue;
  /** Bytes of the record that set it, header included. */
  readonly bytes: number;
}

/**
 * `DurableStorage` in one append-only file (`storage.log` in its directory).
 * Puts and deletes change the in-memory view at once and are appended to the
 * file, then fsynced, only by `sync()`: a crash before that loses them, as the
 * contract says. On opening, a torn or corrupt tail is cut off (the file is
 * truncated to its intact prefix and fsynced) and described in `recovery`.
 * When more than half the file is overwritten or deleted records, `sync()`
 * rewrites the live keys to a new file and renames it over the old one.
 */
export class FileStorage implements DurableStorage {
  readonly recovery: RecoveryReport;
  /** True when the log existed before this opening (the node is restarting). */
  readonly existed: boolean;
  private readonly path: string;
  private readonly map = new Map<string, Entry>();
  private pending: Buffer[] = [];
  private fd: number;
  private fileBytes: number;
  private liveBytes = 0;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly policy: CompactionPolicy = { compactBytesMin: 1 << 20 },
  ) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, "storage.log");
    this.existed = existsSync(this.path);
    const { report, validBytes } = this.existed
      ? this.recover()
      : { report: undefined, validBytes: 0 };
    this.recovery = report ?? { recordsRecovered: 0, recordsTruncated: 0 };
    this.fd = openSync(this.path, this.existed ? "r+" : "w+");
    if (validBytes < LOG_MAGIC.length) {
      ftruncateSync(this.fd, 0);
      writeSync(this.fd, LOG_MAGIC, 0, LOG_MAGIC.length, 0);
      this.fileBytes = LOG_MAGIC.length;
    } else {
      ftruncateSync(this.fd, validBytes);
      this.fileBytes = validBytes;
    }
    fsyncSync(this.fd);
    if (!this.existed) fsyncDir(dir);
  }

  get(key: string): StoredValue | undefined {
    return this.map.get(key)?.value;
  }

  put(key: string, value: StoredValue): void {
    assert(!this.closed, "storage used after close");
    const record = frameRecord(codec.pack([OP_PUT, key, value]));
    // Decoding our own encoding gives the copy the contract promises.
    const copy = (
      codec.unpack(record.subarray(RECORD_HEADER_BYTES)) as [number, string, StoredValue]
    )[2];
    this.setEntry(key, { value: copy, bytes: record.length });
    this.pending.push(record);
  }

  delete(key: string): void {
    assert(!this.closed, "storage used after close");
    if (!this.map.has(key)) return;
    this.setEntry(key, undefined);
    this.pending.push(frameRecord(codec.pack([OP_DELETE, key])));
  }

  keys(prefix = ""): string[] {
    const out: string[] = [];
    for (const key of this.map.keys()) if (key.startsWith(prefix)) out.push(key);
    return out.sort();
  }

  sync(): void {
    assert(!this.closed, "storage used after close");
    if (this.pending.length === 0) return;
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(
        this.fd,
        bytes,
        written,
        bytes.length - written,
        this.fileBytes + written,
      );
    }
    fsyncSync(this.fd);
    this.fileBytes += bytes.length;
    if (this.fileBytes >= this.policy.compactBytesMin && this.garbageBytes() > this.liveBytes) {
      this.compact();
    }
  }

  /** Bytes of the log file (synced records only). */
  get sizeBytes(): number {
    return this.fileBytes;
  }

  /** Closes the file; unsynced writes are dropped, as in a crash. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  /** Rewrites the live keys to `storage.log.tmp`, fsyncs it, renames it over the log. */
  compact(): void {
    assert(this.pending.length === 0, "compact with unsynced writes");
    const tmp = `${this.path}.tmp`;
    const parts: Buffer[] = [LOG_MAGIC];
    for (const [key, entry] of this.map)
      parts.push(frameRecord(codec.pack([OP_PUT, key, entry.value])));
    const bytes = Buffer.concat(parts);
    const fd = openSync(tmp, "w");
    writeSync(fd, bytes, 0, bytes.length, 0);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    fsyncDir(this.dir);
    closeSync(this.fd);
    this.fd = openSync(this.path, "r+");
    this.fileBytes = bytes.length;
    this.liveBytes = bytes.length - LOG_MAGIC.length;
  }

  private garbageBytes(): number {
    return this.fileBytes - LOG_MAGIC.length - this.liveBytes;
  }

  private setEntry(key: string, entry: Entry | undefined): void {
    const old = this.map.get(key);
    if (old !== undefined) this.liveBytes -= old.bytes;
    if (entry === undefined) {
      this.map.delete(key);
    } else {
      this.map.set(key, entry);
      this.liveBytes += entry.bytes;
    }
  }

  private recover(): { report: RecoveryReport; validBytes: number } {
    const scan = scanLog(readFileSync(this.path));
    let applied = 0;
    for (const payload of scan.payloads) {
      const op = decodeOp(payload);
      if (op === undefined) break;
      applied++;
      this.setEntry(
        op.key,
        op.op === OP_PUT
          ? { value: op.value, bytes: RECORD_HEADER_BYTES + payload.length }
          : undefined,
      );
    }
    const report: RecoveryReport =
      scan.reason === undefined
        ? { recordsRecovered: applied, recordsTruncated: 0 }
        : {
            recordsRecovered: applied,
            recordsTruncated: scan.recordsTruncated,
            reason: scan.reason,
          };
    return { report, validBytes: scan.validBytes };
  }
}

function decodeOp(payload: Buffer): { op: number; key: string; value: StoredValue } | undefined {
  try {
    const decoded: unknown = codec.unpack(payload);
    if (!Array.isArray(decoded) || typeof decoded[1] !== "string") return undefined;
    if (decoded[0] === OP_PUT)
      return { op: OP_PUT, key: decoded[1], value: decoded[2] as StoredValue };
    if (decoded[0] === OP_DELETE) return { op: OP_DELETE, key: decoded[1], value: null };
    return undefined;
  } catch {
    return undefined;
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
