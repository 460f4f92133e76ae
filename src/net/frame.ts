/**
 * Length-prefixed framing. A frame on the wire is a 4-byte big-endian length
 * followed by that many bytes; the first of them is the frame's kind (see
 * wire.ts). The decoder refuses a frame as soon as its header announces more
 * than `frameBytesMax`, before buffering any of it, so a hostile peer cannot
 * make a node allocate more than one frame's worth.
 */

import { assert } from "../core/assert.js";

/** Bytes of the length header. */
export const FRAME_HEADER_BYTES = 4;

/** msgpack's array-with-32-bit-count marker, and the bytes it takes with its count. */
const MSGPACK_ARRAY32 = 0xdd;
const BATCH_ARRAY_HEADER_BYTES = 5;

/** Why a byte stream stopped being a valid frame sequence. */
export interface FrameError {
  readonly reason: "oversized" | "empty";
  /** The length the header announced. */
  readonly length: number;
  /** Offset in the stream of the bad header. */
  readonly offset: number;
}

/**
 * Splits a byte stream into frames. Feed it chunks in order; it calls
 * `onFrame(buf, start, end)` for each whole frame, whose bytes (kind first) are
 * `buf[start..end)` — valid only during the call; no per-frame view is made,
 * which keeps decoding allocation-free on the hot path. It returns a
 * `FrameError` at the first bad header, after which it must not be fed.
 */
export class FrameDecoder {
  /** Bytes of an incomplete frame, as received; joined only once the frame is whole. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the incomplete frame needs in all (header included), once its header is known. */
  private neededBytes = 0;
  private streamOffset = 0;

  constructor(private readonly frameBytesMax: number) {}

  /** Frames in `chunk` (after any leftover), or the first framing error. */
  push(
    chunk: Buffer,
    onFrame: (buf: Buffer, start: number, end: number) => void,
  ): FrameError | undefined {
    let buf = chunk;
    if (this.pending.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      // A large frame arriving in many chunks is copied once, not once per chunk.
      if (this.pendingBytes < this.neededBytes) return undefined;
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let pos = 0;
    this.neededBytes = FRAME_HEADER_BYTES;
    while (buf.length - pos >= FRAME_HEADER_BYTES) {
      const length = buf.readUInt32BE(pos);
      if (length === 0) return { reason: "empty", length, offset: this.streamOffset + pos };
      if (length > this.frameBytesMax) {
        return { reason: "oversized", length, offset: this.streamOffset + pos };
      }
      const end = pos + FRAME_HEADER_BYTES + length;
      if (end > buf.length) {
        this.neededBytes = FRAME_HEADER_BYTES + length;
        break;
      }
      onFrame(buf, pos + FRAME_HEADER_BYTES, end);
      pos = end;
    }
    this.streamOffset += pos;
    if (pos < buf.length) {
      const rest = Buffer.from(buf.subarray(pos));
      this.pending.push(rest);
      this.pendingBytes = rest.length;
    }
    return undefined;
  }

  /** Bytes received but not yet part of a whole frame. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }
}

/**
 * Appends frames to one growing buffer so a batch of messages leaves in one
 * socket write. `reset` reuses the memory for the next batch.
 */
export class FrameWriter {
  private buf: Buffer;
  private length = 0;
  private batchStart = -1;
  private batchCount = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Appends one frame: kind byte then `body`. */
  append(kind: number, body: Uint8Array): void {
    const need = FRAME_HEADER_BYTES + 1 + body.length;
    this.reserve(need);
    this.buf.writeUInt32BE(1 + body.length, this.length);
    this.buf[this.length + FRAME_HEADER_BYTES] = kind;
    this.buf.set(body, this.length + FRAME_HEADER_BYTES + 1);
    this.length += need;
  }

  /**
   * Opens a batch frame: its body is a msgpack array (32-bit count, patched by
   * `endBatch`) whose items are appended already encoded with `appendItem`.
   */
  beginBatch(kind: number): void {
    assert(this.batchStart < 0, "beginBatch inside an open batch");
    this.reserve(FRAME_HEADER_BYTES + 1 + BATCH_ARRAY_HEADER_BYTES);
    this.batchStart = this.length;
    this.buf[this.length + FRAME_HEADER_BYTES] = kind;
    this.buf[this.length + FRAME_HEADER_BYTES + 1] = MSGPACK_ARRAY32;
    this.length += FRAME_HEADER_BYTES + 1 + BATCH_ARRAY_HEADER_BYTES;
    this.batchCount = 0;
  }

  /** Appends one msgpack-encoded item to the open batch. */
  appendItem(item: Uint8Array): void {
    assert(this.batchStart >= 0, "appendItem outside a batch");
    this.reserve(item.length);
    this.buf.set(item, this.length);
    this.length += item.length;
    this.batchCount++;
  }

  /** Bytes of the open batch frame after its length header (kind, array header, items). */
  get batchBytes(): number {
    return this.batchStart < 0 ? 0 : this.length - this.batchStart - FRAME_HEADER_BYTES;
  }

  /** Items in the open batch. */
  get batchItems(): number {
    return this.batchStart < 0 ? 0 : this.batchCount;
  }

  /** Closes the open batch, patching its length and count; an empty batch is removed. */
  endBatch(): void {
    assert(this.batchStart >= 0, "endBatch without beginBatch");
    if (this.batchCount === 0) {
      this.length = this.batchStart;
    } else {
      this.buf.writeUInt32BE(this.batchBytes, this.batchStart);
      this.buf.writeUInt32BE(this.batchCount, this.batchStart + FRAME_HEADER_BYTES + 2);
    }
    this.batchStart = -1;
  }

  /** Bytes appended since the last `take`. */
  get size(): number {
    return this.length;
  }

  /** A copy of the frames appended so far; the writer starts empty again. */
  take(): Buffer {
    assert(this.batchStart < 0, "take with an open batch");
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }

  private reserve(need: number): void {
    if (this.length + need <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + need));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }
}
