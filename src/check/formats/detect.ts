import { HistoryError } from "../errors.js";
import type { History } from "../history.js";
import { parseEtcdLog } from "./etcd-log.js";
import { parseJepsenEdn } from "./jepsen-edn.js";
import { parseJsonl } from "./jsonl.js";

/** The history file formats `cohort check` reads. */
export const FORMATS = ["etcd-log", "kv-log", "edn", "jsonl"] as const;

/** One of `FORMATS`. */
export type HistoryFormat = (typeof FORMATS)[number];

/**
 * Guesses the format from the first non-blank line: a Jepsen log line is
 * `etcd-log`, a JSON object is `jsonl`, an EDN map with `:key` is `kv-log`,
 * any other EDN map or vector is `edn`. Throws a HistoryError when the
 * first line fits none of them.
 */
export function detectFormat(text: string): HistoryFormat {
  const lines = text.split("\n");
  const index = lines.findIndex((l) => l.trim() !== "");
  if (index < 0) return "jsonl";
  const first = lines[index]!.trim();
  if (/^INFO\s+jepsen\.util\s+-/.test(first)) return "etcd-log";
  if (first.startsWith("{")) {
    try {
      JSON.parse(first);
      return "jsonl";
    } catch {
      return /[{,\s]:key\s/.test(first) ? "kv-log" : "edn";
    }
  }
  if (first.startsWith("[")) return "edn";
  throw new HistoryError(
    index + 1,
    `expected a Jepsen log line, an EDN op map or a JSON object (or give --format), got ${JSON.stringify(first.slice(0, 40))}`,
  );
}

/** Parses `text` in `format` (detected when undefined) into a history. */
export function parseHistory(text: string, format?: HistoryFormat): History {
  const history = parseAs(text, format ?? detectFormat(text));
  if (history.length === 0) {
    throw new HistoryError(
      undefined,
      "expected at least one operation, got none (an empty history)",
    );
  }
  return history;
}

function parseAs(text: string, format: HistoryFormat): History {
  switch (format) {
    case "etcd-log":
      return parseEtcdLog(text);
    case "kv-log":
      return parseJepsenEdn(text, true);
    case "edn":
      return parseJepsenEdn(text, false);
    case "jsonl":
      return parseJsonl(text);
  }
}
