import { pack, unpack } from "msgpackr";
import type { Prng } from "./prng.js";

/** What became of a corrupted message: it no longer decodes, or it decodes to something (maybe still valid). */
export type Corruption =
  | { readonly decoded: false }
  | { readonly decoded: true; readonly msg: unknown };

/**
 * Mangles `msg` as a faulty wire would: encodes it with msgpack, flips one to
 * three random bits, and decodes the result. Deterministic given `rng`.
 */
export function corruptMessage(msg: unknown, rng: Prng): Corruption {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(pack(msg));
  } catch {
    return { decoded: false };
  }
  const flips = 1 + rng.int(3);
  for (let i = 0; i < flips; i++) {
    const bit = rng.int(bytes.length * 8);
    const at = bit >> 3;
    bytes[at] = (bytes[at] ?? 0) ^ (1 << (bit & 7));
  }
  try {
    return { decoded: true, msg: unpack(bytes) };
  } catch {
    return { decoded: false };
  }
}
