import { Packr } from "msgpackr";
import { isNodeId, type NodeId } from "../core/ids.js";
import { describeValue, isRecord } from "../core/validate.js";

/**
 * What travels inside a frame. The first byte names the envelope; the rest is
 * msgpack. A connection carries one `hello` first, naming the sender, then
 * only `msg` frames (one protocol message) and `batch` frames (a msgpack array
 * of 1..`BATCH_ITEMS_MAX` protocol messages: what the sender had queued).
 */
export const FRAME_KIND = { hello: 1, msg: 2, batch: 3 } as const;

/** Most messages one batch frame may carry. */
export const BATCH_ITEMS_MAX = 65_536;

/** Senders close a batch frame at about this many bytes (or `frameBytesMax`, if smaller). */
export const BATCH_BYTES_TARGET = 64 * 1024;

/** Version of the envelope format; a peer speaking another is refused. */
export const WIRE_VERSION = 1;

/** The first frame of every connection: who is speaking and in which cluster. */
export interface Hello {
  readonly v: number;
  readonly from: NodeId;
  readonly protocol: string;
  readonly nodes: number;
}

/**
 * The msgpack codec every host uses. Records (msgpackr's shared structures)
 * are off, so each frame decodes on its own and a peer cannot plant
 * structure definitions that change how later frames decode.
 */
export const codec = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });

/** Decoded body of a frame, or why it could not be decoded. */
export type Decoded =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string };

/**
 * Decodes the msgpack body of the frame at `buf[start..end)` (after its kind
 * byte). Never throws. `range` is scratch space the caller may reuse per call.
 */
export function decodeBody(
  buf: Buffer,
  start: number,
  end: number,
  range: { start: number; end: number } = { start: 0, end: 0 },
): Decoded {
  range.start = start + 1;
  range.end = end;
  try {
    return { ok: true, value: codec.unpack(buf, range) };
  } catch (error) {
    return { ok: false, reason: `undecodable msgpack: ${(error as Error).message}` };
  }
}

/**
 * Checks a decoded hello against this node's cluster: version, sender id in
 * range and not ourselves, same protocol, same size. Returns why not, or undefined.
 */
export function checkHello(
  value: unknown,
  self: NodeId,
  protocol: string,
  nodes: number,
): string | undefined {
  if (!isRecord(value)) return `hello: expected an object, got ${describeValue(value)}`;
  if (value.v !== WIRE_VERSION)
    return `hello.v: expected ${WIRE_VERSION}, got ${describeValue(value.v)}`;
  if (!isNodeId(value.from) || value.from >= nodes) {
    return `hello.from: expected a node id in 0..${nodes - 1}, got ${describeValue(value.from)}`;
  }
  if (value.from === self) return `hello.from: a peer claims to be this node (${self})`;
  if (value.protocol !== protocol) {
    return `hello.protocol: expected ${JSON.stringify(protocol)}, got ${describeValue(value.protocol)}`;
  }
  if (value.nodes !== nodes)
    return `hello.nodes: expected ${nodes}, got ${describeValue(value.nodes)}`;
  return undefined;
}
