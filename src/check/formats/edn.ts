import { HistoryError } from "../errors.js";

/** An EDN value read as JSON-like data (see `readEdn`). */
export type EdnValue = null | boolean | number | string | EdnValue[] | { [key: string]: EdnValue };

/** A top-level EDN value and the 1-based line where it starts. */
export interface EdnItem {
  readonly value: EdnValue;
  readonly line: number;
}

const DELIMITERS = new Set([...'()[]{}";,']);

/**
 * Reads every top-level EDN value in `text`, enough of EDN for Jepsen and
 * Knossos histories: maps, vectors, lists and sets (as arrays), nil,
 * booleans, integers and decimals (an `N`/`M` suffix is allowed), strings
 * with escapes, keywords (as strings with their colon: `:ok` → `":ok"`),
 * symbols (as strings), `;` comments, `#_` discards and tagged values
 * (`#inst "…"` reads as its value). Map keys that are keywords lose their
 * colon (`{:f :read}` → `{f: ":read"}`). A syntax error throws a
 * HistoryError naming the line.
 */
export function readEdn(text: string, firstLine = 1): EdnItem[] {
  return new EdnReader(text, firstLine).readAll();
}

/** Every map the reader built, with the line where it starts. */
export const mapLines = new WeakMap<object, number>();

class EdnReader {
  private pos = 0;
  private line: number;

  constructor(
    private readonly text: string,
    firstLine: number,
  ) {
    this.line = firstLine;
  }

  readAll(): EdnItem[] {
    const items: EdnItem[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) return items;
      const line = this.line;
      const value = this.readValue();
      if (value !== DISCARDED) items.push({ value, line });
    }
  }

  private fail(expected: string): never {
    const rest = this.text.slice(this.pos, this.pos + 20).split("\n")[0] ?? "";
    const got = this.pos >= this.text.length ? "the end of the input" : JSON.stringify(rest);
    throw new HistoryError(this.line, `expected ${expected}, got ${got}`);
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === "\n") {
        this.line++;
        this.pos++;
      } else if (c === " " || c === "\t" || c === "\r" || c === ",") {
        this.pos++;
      } else if (c === ";") {
        while (this.pos < text.length && text[this.pos] !== "\n") this.pos++;
      } else {
        return;
      }
    }
  }

  private readValue(): EdnValue | typeof DISCARDED {
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.readMap();
      case "[":
        this.pos++;
        return this.readSeq("]");
      case "(":
        this.pos++;
        return this.readSeq(")");
      case '"':
        return this.readString();
      case "#":
        return this.readDispatch();
      case "}":
      case "]":
      case ")":
        return this.fail("a value");
      default:
        return this.readAtom();
    }
  }

  private readDispatch(): EdnValue | typeof DISCARDED {
    const c = this.text[this.pos + 1];
    if (c === "{") {
      this.pos += 2;
      return this.readSeq("}");
    }
    if (c === "_") {
      this.pos += 2;
      this.skipSpace();
      this.readValue();
      return DISCARDED;
    }
    this.pos++;
    const tag = this.readToken();
    if (tag === "") this.fail("a tag after #");
    this.skipSpace();
    return this.readRequired("a value after the tag");
  }

  private readRequired(expected: string): EdnValue {
    if (this.pos >= this.text.length) this.fail(expected);
    const value = this.readValue();
    return value === DISCARDED ? this.readRequired(expected) : value;
  }

  private readSeq(close: string): EdnValue[] {
    const items: EdnValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail(`${close} to close the collection`);
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      const value = this.readValue();
      if (value !== DISCARDED) items.push(value);
    }
  }

  private readMap(): { [key: string]: EdnValue } {
    const line = this.line;
    this.pos++;
    const items = this.readSeq("}");
    if (items.length % 2 !== 0) {
      throw new HistoryError(
        line,
        `expected a map with an even number of forms, got ${items.length}`,
      );
    }
    const map: { [key: string]: EdnValue } = {};
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i]!;
      const key =
        typeof k === "string" && k.startsWith(":")
          ? k.slice(1)
          : typeof k === "string"
            ? k
            : JSON.stringify(k);
      map[key] = items[i + 1]!;
    }
    mapLines.set(map, line);
    return map;
  }

  private readString(): string {
    const text = this.text;
    let out = "";
    this.pos++;
    for (;;) {
      if (this.pos >= text.length) this.fail('" to close the string');
      const c = text[this.pos++]!;
      if (c === '"') return out;
      if (c === "\n") this.line++;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[this.pos++];
      const escapes: Record<string, string> = {
        n: "\n",
        t: "\t",
        r: "\r",
        '"': '"',
        "\\": "\\",
        b: "\b",
        f: "\f",
      };
      if (e !== undefined && escapes[e] !== undefined) out += escapes[e];
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(Number.parseInt(text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else {
        this.pos--;
        this.fail('a string escape (\\n, \\t, \\", \\\\, \\uXXXX)');
      }
    }
  }

  private readToken(): string {
    const start = this.pos;
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === " " || c === "\n" || c === "\t" || c === "\r" || DELIMITERS.has(c)) break;
      this.pos++;
    }
    return text.slice(start, this.pos);
  }

  private readAtom(): EdnValue {
    const token = this.readToken();
    if (token === "") this.fail("a value");
    if (token === "nil") return null;
    if (token === "true") return true;
    if (token === "false") return false;
    if (/^[+-]?\d+N?$/.test(token)) return Number(token.replace(/N$/, ""));
    if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?M?$/.test(token)) return Number(token.replace(/M$/, ""));
    if (/^[+-]?\d/.test(token)) {
      this.pos -= token.length;
      this.fail("a number");
    }
    if (token === ":") {
      this.pos -= token.length;
      this.fail("a keyword name after :");
    }
    return token;
  }
}

const DISCARDED = Symbol("discarded");
