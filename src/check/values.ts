/**
 * Values as histories carry them: JSON-like data (null, booleans, numbers,
 * strings, arrays, plain objects). EDN keywords arrive as strings with their
 * leading colon (`":timed-out"`). Models compare and hash values with these
 * helpers so that every input format means the same thing.
 */

/** Deep structural equality of JSON-like values; `undefined` equals only itself. */
export function valueEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of ka) {
    if (!Object.hasOwn(rb, k) || !valueEqual(ra[k], rb[k])) return false;
  }
  return true;
}

/** FNV-1a over a string's UTF-16 code units, continuing from `seed`: a 32-bit unsigned hash. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Combines two 32-bit hashes, order-sensitively. */
export function hashCombine(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** A 32-bit hash of a JSON-like value that agrees with `valueEqual`. */
export function valueHash(value: unknown): number {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value)
        ? hashCombine(0x1234, value | 0)
        : hashString(String(value), 7);
    case "string":
      return hashString(value);
    case "boolean":
      return value ? 0x5bd1e995 : 0x1b873593;
    case "undefined":
      return 0x2e7f31a5;
    case "object": {
      if (value === null) return 0x6a09e667;
      if (Array.isArray(value)) {
        let h = 0x3c6ef372;
        for (const item of value) h = hashCombine(h, valueHash(item));
        return h;
      }
      // Key order must not matter: XOR the per-key hashes.
      let h = 0xa54ff53a;
      for (const [k, v] of Object.entries(value)) h ^= hashCombine(hashString(k), valueHash(v));
      return h >>> 0;
    }
    default:
      return hashString(String(value), 11);
  }
}

/** A short, readable rendering of a value for reports: `nil`, `3`, `"ab"`, `[1 2]`. */
export function showValue(value: unknown, maxChars = 60): string {
  const text = render(value);
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

function render(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(render).join(" ")}]`;
  if (typeof value === "object") {
    const parts = Object.entries(value).map(([k, v]) => `${k}: ${render(v)}`);
    return `{${parts.join(", ")}}`;
  }
  return String(value);
}
