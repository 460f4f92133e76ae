import { crc32c } from "@node-rs/crc32";

/**
 * The on-disk format of file storage: an 8-byte magic, then records. A record
 * is a 4-byte little-endian payload length, a 4-byte CRC32C (Castagnoli) of
 * the length bytes and the payload, then the payload. The checksum covers the
 * length, so a flipped bit in either is caught.
 */
export const LOG_MAGIC = Buffer.from("COHORT1\n", "ascii");

/** Bytes before each record's payload. */
export const RECORD_HEADER_BYTES = 8;

/** Largest payload a record may have; a header claiming more is corruption. */
export const RECORD_PAYLOAD_BYTES_MAX = 64 << 20;

/** One record framed for appending: header and payload. */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.set(payload, RECORD_HEADER_BYTES);
  out.writeUInt32LE(recordCrc(out.subarray(0, 4), payload), 4);
  return out;
}

function recordCrc(lengthBytes: Buffer, payload: Uint8Array): number {
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  return crc32c(view, crc32c(lengthBytes));
}

/** What a scan of a log found. */
export interface LogScan {
  /** Payloads of the intact records, in order (views into the scanned buffer). */
  readonly payloads: Buffer[];
  /** Byte length of the intact prefix: where the file must be cut. */
  readonly validBytes: number;
  /** Records after the intact prefix (the bad one, and any that followed it and still parse). */
  readonly recordsTruncated: number;
  /** Why the scan stopped early, with the byte offset; undefined when the whole file was intact. */
  readonly reason?: string;
}

/**
 * Reads records from `file` (the whole log, magic included) up to the first
 * one that is torn (shorter than its header says) or corrupt (bad length or
 * checksum). Never throws: a bad magic is reported as corruption at byte 0.
 */
export function scanLog(file: Buffer): LogScan {
  if (file.length < LOG_MAGIC.length || !file.subarray(0, LOG_MAGIC.length).equals(LOG_MAGIC)) {
    const reason =
      file.length < LOG_MAGIC.length
        ? `torn header: ${file.length} of ${LOG_MAGIC.length} magic bytes at byte 0`
        : "bad magic at byte 0: not a cohort storage log";
    return { payloads: [], validBytes: 0, recordsTruncated: file.length === 0 ? 0 : 1, reason };
  }
  const payloads: Buffer[] = [];
  let pos = LOG_MAGIC.length;
  while (pos < file.length) {
    const problem = checkRecordAt(file, pos);
    if (problem !== undefined) {
      return {
        payloads,
        validBytes: pos,
        recordsTruncated: countFramesFrom(file, pos),
        reason: problem,
      };
    }
    const length = file.readUInt32LE(pos);
    payloads.push(file.subarray(pos + RECORD_HEADER_BYTES, pos + RECORD_HEADER_BYTES + length));
    pos += RECORD_HEADER_BYTES + length;
  }
  return { payloads, validBytes: pos, recordsTruncated: 0 };
}

/** Why the record at `pos` is torn or corrupt, or undefined when it is intact. */
function checkRecordAt(file: Buffer, pos: number): string | undefined {
  const left = file.length - pos;
  if (left < RECORD_HEADER_BYTES) {
    return `torn record at byte ${pos}: ${left} of ${RECORD_HEADER_BYTES} header bytes`;
  }
  const length = file.readUInt32LE(pos);
  if (length > RECORD_PAYLOAD_BYTES_MAX) {
    return `corrupt record at byte ${pos}: length ${length} exceeds ${RECORD_PAYLOAD_BYTES_MAX}`;
  }
  if (left < RECORD_HEADER_BYTES + length) {
    return `torn record at byte ${pos}: ${left - RECORD_HEADER_BYTES} of ${length} payload bytes`;
  }
  const payload = file.subarray(pos + RECORD_HEADER_BYTES, pos + RECORD_HEADER_BYTES + length);
  const stored = file.readUInt32LE(pos + 4);
  const actual = recordCrc(file.subarray(pos, pos + 4), payload);
  if (stored !== actual) {
    return `crc mismatch at byte ${pos}: stored ${hex(stored)}, computed ${hex(actual)}`;
  }
  return undefined;
}

/** Counts records from `pos` on by their length fields alone (best effort, for the report). */
function countFramesFrom(file: Buffer, pos: number): number {
  let count = 0;
  let at = pos;
  while (at < file.length) {
    count++;
    if (file.length - at < RECORD_HEADER_BYTES) break;
    const length = file.readUInt32LE(at);
    if (length > RECORD_PAYLOAD_BYTES_MAX) break;
    at += RECORD_HEADER_BYTES + length;
  }
  return count;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
