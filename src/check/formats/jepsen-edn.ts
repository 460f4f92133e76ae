import { HistoryError } from "../errors.js";
import type { History } from "../history.js";
import type { EdnValue } from "./edn.js";
import { mapLines, readEdn } from "./edn.js";
import type { HistoryEvent } from "./events.js";
import { pairEvents } from "./events.js";

const TYPES = new Set([":invoke", ":ok", ":fail", ":info"]);

function showEdn(value: EdnValue | undefined): string {
  return value === undefined ? "nothing" : value === null ? "nil" : JSON.stringify(value);
}

/** The event of one Jepsen op map, or undefined for a nemesis op (which the checkers ignore). */
function toEvent(
  map: { [key: string]: EdnValue },
  line: number,
  needKey: boolean,
): HistoryEvent | undefined {
  const { type, f, process, key } = map;
  if (process === ":nemesis") return undefined;
  if (typeof process !== "number" || !Number.isSafeInteger(process) || process < 0) {
    throw new HistoryError(
      line,
      `expected :process to be a non-negative integer, got ${showEdn(process)}`,
    );
  }
  if (typeof type !== "string" || !TYPES.has(type)) {
    throw new HistoryError(
      line,
      `expected :type :invoke, :ok, :fail or :info, got ${showEdn(type)}`,
    );
  }
  if (typeof f !== "string" || f === "") {
    throw new HistoryError(line, `expected :f to be a keyword like :read, got ${showEdn(f)}`);
  }
  if (key !== undefined && typeof key !== "string" && typeof key !== "number") {
    throw new HistoryError(line, `expected :key to be a string or number, got ${showEdn(key)}`);
  }
  if (needKey && key === undefined) throw new HistoryError(line, "expected a :key, got none");
  return {
    type: type.slice(1) as HistoryEvent["type"],
    process,
    f: f.startsWith(":") ? f.slice(1) : f,
    ...(key === undefined ? {} : { key: String(key) }),
    value: map.value ?? null,
    line,
  };
}

/**
 * Reads a Jepsen EDN history as Knossos does: op maps (`{:type :invoke, :f
 * :write, :value 3, :process 0, :time …}`), one per line or inside one
 * top-level vector, in real-time order. `:nemesis` ops are skipped; an
 * optional `:key` addresses a key of a keyed model. With `needKey` (the
 * kv-log format) every op must carry a `:key`. Anything else is a
 * HistoryError naming the line.
 */
export function parseJepsenEdn(text: string, needKey = false): History {
  const items = readEdn(text);
  const maps: { value: EdnValue; line: number }[] =
    items.length === 1 && Array.isArray(items[0]!.value)
      ? items[0]!.value.map((value) => ({
          value,
          line:
            (typeof value === "object" && value !== null && mapLines.get(value)) || items[0]!.line,
        }))
      : items;
  const events: HistoryEvent[] = [];
  for (const { value, line } of maps) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new HistoryError(
        line,
        `expected an op map {:type …, :f …, :process …}, got ${showEdn(value)}`,
      );
    }
    const event = toEvent(value, line, needKey);
    if (event !== undefined) events.push(event);
  }
  return pairEvents(events);
}
