/**
 * Small, fast checks for messages that come from the wire. Each returns a
 * reason (`term: expected a non-negative integer, got "x"`) or undefined, so a
 * protocol's `validate` reads as a list of fields and a host can log exactly
 * what was wrong with a frame it dropped.
 */

/** Describes `value` briefly for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    default:
      return String(value);
  }
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks that `value` is an object whose `type` is one of `types`. */
export function checkTagged(value: unknown, types: readonly string[]): string | undefined {
  if (!isRecord(value)) return `message: expected an object, got ${describeValue(value)}`;
  if (typeof value.type !== "string" || !types.includes(value.type)) {
    return `type: expected one of ${types.join(", ")}, got ${describeValue(value.type)}`;
  }
  return undefined;
}

/** Checks that `obj[field]` is a non-negative safe integer. */
export function checkNat(obj: Record<string, unknown>, field: string): string | undefined {
  const v = obj[field];
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0
    ? undefined
    : `${field}: expected a non-negative integer, got ${describeValue(v)}`;
}

/** Checks that `obj[field]` is a finite number. */
export function checkFinite(obj: Record<string, unknown>, field: string): string | undefined {
  const v = obj[field];
  return typeof v === "number" && Number.isFinite(v)
    ? undefined
    : `${field}: expected a finite number, got ${describeValue(v)}`;
}

/** Checks that `obj[field]` is a string. */
export function checkString(obj: Record<string, unknown>, field: string): string | undefined {
  const v = obj[field];
  return typeof v === "string" ? undefined : `${field}: expected a string, got ${describeValue(v)}`;
}

/** Checks that `obj[field]` is a boolean. */
export function checkBoolean(obj: Record<string, unknown>, field: string): string | undefined {
  const v = obj[field];
  return typeof v === "boolean"
    ? undefined
    : `${field}: expected a boolean, got ${describeValue(v)}`;
}

/** Checks that `obj[field]` is an array of at most `maxLength` items, each passing `item`. */
export function checkArray(
  obj: Record<string, unknown>,
  field: string,
  maxLength: number,
  item: (value: unknown) => boolean,
  itemWhat: string,
): string | undefined {
  const v = obj[field];
  if (!Array.isArray(v)) return `${field}: expected an array, got ${describeValue(v)}`;
  if (v.length > maxLength) return `${field}: expected at most ${maxLength} items, got ${v.length}`;
  for (let i = 0; i < v.length; i++) {
    if (!item(v[i])) return `${field}[${i}]: expected ${itemWhat}, got ${describeValue(v[i])}`;
  }
  return undefined;
}

/** The first reason among `checks`, or undefined when all passed. */
export function firstProblem(...checks: (string | undefined)[]): string | undefined {
  for (const c of checks) if (c !== undefined) return c;
  return undefined;
}
