import type { VectorClock } from "./vector.js";

/**
 * Compact wire forms of vector clocks. `encodeVector` writes only the non-zero
 * entries, each as (gap from the previous index, value) in LEB128 varints, so a
 * clock with a few active writers in a large cluster costs a few bytes.
 * `encodeVectorDelta` writes only the entries that differ from a base both
 * sides already hold (the last clock sent on a link). For every clock v and
 * base b: decodeVector(encodeVector(v)) deep-equals v, and
 * decodeVectorDelta(encodeVectorDelta(v, b), b) deep-equals v.
 */
export function encodeVector(v: VectorClock): Uint8Array {
  return encodeEntries(v, []);
}

/** Decodes what `encodeVector` wrote; throws a `RangeError` saying where malformed bytes are. */
export function decodeVector(bytes: Uint8Array): VectorClock {
  return decodeEntries(bytes, []);
}

/** Encodes the entries of `v` that differ from `base` (see `encodeVector`). */
export function encodeVectorDelta(v: VectorClock, base: VectorClock): Uint8Array {
  return encodeEntries(v, base);
}

/** Rebuilds the clock from a delta and the same `base` it was encoded against. */
export function decodeVectorDelta(bytes: Uint8Array, base: VectorClock): VectorClock {
  return decodeEntries(bytes, base);
}

function encodeEntries(v: VectorClock, base: VectorClock): Uint8Array {
  const out: number[] = [];
  const length = Math.max(v.length, base.length);
  let count = 0;
  for (let i = 0; i < length; i++) if ((v[i] ?? 0) !== (base[i] ?? 0)) count++;
  writeVarint(out, count);
  let previous = -1;
  for (let i = 0; i < length; i++) {
    const value = v[i] ?? 0;
    if (value === (base[i] ?? 0)) continue;
    writeVarint(out, i - previous - 1);
    writeVarint(out, value);
    previous = i;
  }
  return Uint8Array.from(out);
}

function decodeEntries(bytes: Uint8Array, base: VectorClock): VectorClock {
  const cursor = { at: 0 };
  const count = readVarint(bytes, cursor);
  if (count > bytes.length) {
    throw new RangeError(
      `vector clock bytes: ${count} entries cannot fit in ${bytes.length} bytes`,
    );
  }
  const out = [...base];
  let index = -1;
  for (let n = 0; n < count; n++) {
    index += readVarint(bytes, cursor) + 1;
    if (index > 0xffffff) throw new RangeError(`vector clock bytes: index ${index} out of range`);
    while (out.length <= index) out.push(0);
    out[index] = readVarint(bytes, cursor);
  }
  if (cursor.at !== bytes.length) {
    throw new RangeError(
      `vector clock bytes: ${bytes.length - cursor.at} trailing bytes at byte ${cursor.at}`,
    );
  }
  while (out.length > 0 && out[out.length - 1] === 0) out.pop();
  return out;
}

function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function readVarint(bytes: Uint8Array, cursor: { at: number }): number {
  let value = 0;
  let scale = 1;
  for (let shift = 0; shift < 8; shift++) {
    const byte = bytes[cursor.at];
    if (byte === undefined) {
      throw new RangeError(`vector clock bytes: truncated varint at byte ${cursor.at}`);
    }
    cursor.at++;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (!Number.isSafeInteger(value)) {
        throw new RangeError(`vector clock bytes: value beyond 2^53 at byte ${cursor.at - 1}`);
      }
      return value;
    }
    scale *= 0x80;
  }
  throw new RangeError(`vector clock bytes: varint longer than 8 bytes at byte ${cursor.at}`);
}
