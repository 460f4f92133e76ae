import { HistoryError } from "../errors.js";
import type { History } from "../history.js";
import { readEdn } from "./edn.js";
import type { HistoryEvent } from "./events.js";
import { pairEvents } from "./events.js";

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/;
const TYPES = new Set([":invoke", ":ok", ":fail", ":info"]);

/**
 * Reads Porcupine's etcd Jepsen logs: `INFO  jepsen.util - <process>
 * :<type> :<f> <value>` per line, separators any whitespace, the value an EDN
 * form (`nil`, `3`, `[1 4]`, `:timed-out`). Blank lines are skipped; any
 * other line is a HistoryError naming it. A `:fail` is kept as `fail` (the
 * `etcd` model reads a failed cas as definite and drops a failed read).
 */
export function parseEtcdLog(text: string): History {
  const events: HistoryEvent[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trimEnd();
    if (raw === "") continue;
    const line = i + 1;
    const m = LINE.exec(raw);
    if (m === null) {
      throw new HistoryError(
        line,
        `expected "INFO jepsen.util - <process> :<type> :<f> <value>", got ${JSON.stringify(raw.slice(0, 60))}`,
      );
    }
    const [, proc, type, f, valueText] = m as unknown as [string, string, string, string, string];
    if (!/^\d+$/.test(proc)) {
      throw new HistoryError(line, `expected a process number, got ${JSON.stringify(proc)}`);
    }
    if (!TYPES.has(type)) {
      throw new HistoryError(
        line,
        `expected :invoke, :ok, :fail or :info, got ${JSON.stringify(type)}`,
      );
    }
    if (!/^:[\w-]+$/.test(f)) {
      throw new HistoryError(
        line,
        `expected a function keyword like :read, got ${JSON.stringify(f)}`,
      );
    }
    const values = readEdn(valueText, line);
    if (values.length !== 1) {
      throw new HistoryError(line, `expected one value after ${f}, got ${values.length}`);
    }
    events.push({
      type: type.slice(1) as HistoryEvent["type"],
      process: Number(proc),
      f: f.slice(1),
      value: values[0]!.value,
      line,
    });
  }
  return pairEvents(events);
}
