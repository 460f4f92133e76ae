import { describeValue, isRecord } from "../../core/validate.js";
import { HistoryError } from "../errors.js";
import type { History } from "../history.js";
import type { HistoryEvent } from "./events.js";
import { pairEvents } from "./events.js";

const TYPES = new Set(["invoke", "ok", "fail", "info"]);

/** Reads one cohort JSON Lines event, or throws a HistoryError naming the line and field. */
function toEvent(raw: string, line: number, lastTime: number): HistoryEvent & { time?: number } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new HistoryError(
      line,
      `expected a JSON object, got invalid JSON (${(error as Error).message})`,
    );
  }
  if (!isRecord(value))
    throw new HistoryError(line, `expected a JSON object, got ${describeValue(value)}`);
  const { type, process, f, key, time } = value;
  if (typeof type !== "string" || !TYPES.has(type)) {
    throw new HistoryError(
      line,
      `type: expected "invoke", "ok", "fail" or "info", got ${describeValue(type)}`,
    );
  }
  if (typeof process !== "number" || !Number.isSafeInteger(process) || process < 0) {
    throw new HistoryError(
      line,
      `process: expected a non-negative integer, got ${describeValue(process)}`,
    );
  }
  if (typeof f !== "string" || f === "") {
    throw new HistoryError(line, `f: expected a non-empty string, got ${describeValue(f)}`);
  }
  if (key !== undefined && typeof key !== "string") {
    throw new HistoryError(line, `key: expected a string, got ${describeValue(key)}`);
  }
  if (time !== undefined && !(typeof time === "number" && Number.isFinite(time))) {
    throw new HistoryError(line, `time: expected a finite number, got ${describeValue(time)}`);
  }
  if (typeof time === "number" && time < lastTime) {
    throw new HistoryError(
      line,
      `time: expected >= ${lastTime} (lines are in real-time order), got ${time}`,
    );
  }
  return {
    type: type as HistoryEvent["type"],
    process,
    f,
    ...(key === undefined ? {} : { key }),
    value: value.value ?? null,
    line,
    ...(time === undefined ? {} : { time }),
  };
}

/**
 * Reads cohort's JSON Lines history (docs/histories.md): one event object
 * per line, `{"type":"invoke"|"ok"|"fail"|"info", "process", "f", "key"?,
 * "value"?, "time"?}`, in real-time order (a `time`, when given, must not go
 * back). Blank lines are skipped. Any other line is a HistoryError naming
 * the line and the field.
 */
export function parseJsonl(text: string): History {
  const events: HistoryEvent[] = [];
  const lines = text.split("\n");
  let lastTime = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "") continue;
    const event = toEvent(raw, i + 1, lastTime);
    if (event.time !== undefined) lastTime = event.time;
    events.push(event);
  }
  return pairEvents(events);
}
