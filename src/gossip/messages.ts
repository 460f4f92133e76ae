import {
  checkArray,
  checkBoolean,
  checkString,
  checkTagged,
  describeValue,
  firstProblem,
  isRecord,
} from "../core/validate.js";
import type { DigestItem, WireEntry } from "./versioned-map.js";

/** Limits every gossip message must respect on the wire. */
export const WIRE_LIMITS = {
  keyLengthMax: 256,
  stringValueLengthMax: 4_096,
  entriesPerMessageMax: 1_024,
  digestItemsMax: 65_536,
} as const;

/**
 * Anti-entropy by digest (Demers et al. 1987, section 1.3): the initiator
 * sends a checksum; a responder whose checksum differs answers with its
 * digest; the initiator then pushes the entries it holds newer (push,
 * push-pull) and requests those the responder holds newer (pull, push-pull).
 */
export type AntiEntropyMessage =
  | { readonly type: "aeHello"; readonly checksum: string }
  | { readonly type: "aeDigest"; readonly items: readonly DigestItem[] }
  | { readonly type: "aeRequest"; readonly keys: readonly string[] }
  | { readonly type: "aeEntries"; readonly entries: readonly WireEntry[] };

/**
 * Rumor mongering (section 1.4): `rumor` carries hot rumors (`contact` when it
 * opens a contact, `reply` when the sender wants the receiver's hot rumors
 * back: push-pull); `rumorAck` tells the sender which were news (feedback);
 * `rumorPull` asks a partner for its hot rumors.
 */
export type RumorMessage =
  | {
      readonly type: "rumor";
      readonly entries: readonly WireEntry[];
      readonly contact: boolean;
      readonly reply: boolean;
    }
  | {
      readonly type: "rumorAck";
      readonly ids: readonly string[];
      readonly needed: readonly boolean[];
    }
  | { readonly type: "rumorPull" };

const AE_TYPES = ["aeHello", "aeDigest", "aeRequest", "aeEntries"];
const RUMOR_TYPES = ["rumor", "rumorAck", "rumorPull"];

/** Why `msg` is not a well-formed `AntiEntropyMessage`, or undefined. */
export function validateAntiEntropy(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, AE_TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  switch (msg.type) {
    case "aeHello":
      return checkString(msg, "checksum");
    case "aeDigest":
      return checkArray(msg, "items", WIRE_LIMITS.digestItemsMax, isDigestItem, "{key, version}");
    case "aeRequest":
      return checkArray(msg, "keys", WIRE_LIMITS.digestItemsMax, isKey, "a key string");
    default:
      return checkEntries(msg);
  }
}

/** Why `msg` is not a well-formed `RumorMessage`, or undefined. */
export function validateRumor(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, RUMOR_TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  switch (msg.type) {
    case "rumor":
      return firstProblem(
        checkEntries(msg),
        checkBoolean(msg, "contact"),
        checkBoolean(msg, "reply"),
      );
    case "rumorAck": {
      const max = WIRE_LIMITS.entriesPerMessageMax;
      const problem = firstProblem(
        checkArray(msg, "ids", max, (v) => typeof v === "string" && v.length <= 512, "a rumor id"),
        checkArray(msg, "needed", max, (v) => typeof v === "boolean", "a boolean"),
      );
      if (problem !== undefined) return problem;
      const ids = msg.ids as unknown[];
      const needed = msg.needed as unknown[];
      return ids.length === needed.length
        ? undefined
        : `needed: expected ${ids.length} items (one per id), got ${needed.length}`;
    }
    default:
      return undefined;
  }
}

function checkEntries(msg: Record<string, unknown>): string | undefined {
  const entries = msg.entries;
  if (!Array.isArray(entries)) return `entries: expected an array, got ${describeValue(entries)}`;
  if (entries.length > WIRE_LIMITS.entriesPerMessageMax) {
    return `entries: expected at most ${WIRE_LIMITS.entriesPerMessageMax} items, got ${entries.length}`;
  }
  for (let i = 0; i < entries.length; i++) {
    const problem = entryProblem(entries[i]);
    if (problem !== undefined) return `entries[${i}].${problem}`;
  }
  return undefined;
}

function entryProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `: expected an entry object, got ${describeValue(value)}`;
  if (!isKey(value.key))
    return `key: expected a string of at most ${WIRE_LIMITS.keyLengthMax} chars, got ${describeValue(value.key)}`;
  if (!isVersion(value.version))
    return `version: expected {l, c, node}, got ${describeValue(value.version)}`;
  if (typeof value.deleted !== "boolean")
    return `deleted: expected a boolean, got ${describeValue(value.deleted)}`;
  const v = value.value;
  const scalar =
    v === null ||
    typeof v === "boolean" ||
    (typeof v === "number" && Number.isFinite(v)) ||
    (typeof v === "string" && v.length <= WIRE_LIMITS.stringValueLengthMax);
  if (!scalar)
    return `value: expected a string, finite number, boolean or null, got ${describeValue(v)}`;
  const age = value.certAgeMs;
  if (age !== undefined && !(typeof age === "number" && Number.isFinite(age) && age >= 0)) {
    return `certAgeMs: expected a number >= 0, got ${describeValue(age)}`;
  }
  return undefined;
}

function isKey(value: unknown): value is string {
  return typeof value === "string" && value.length <= WIRE_LIMITS.keyLengthMax;
}

function isVersion(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const { l, c, node } = value;
  return (
    typeof l === "number" &&
    Number.isFinite(l) &&
    Number.isSafeInteger(c) &&
    (c as number) >= 0 &&
    Number.isSafeInteger(node) &&
    (node as number) >= 0
  );
}

function isDigestItem(value: unknown): boolean {
  return isRecord(value) && isKey(value.key) && isVersion(value.version);
}
