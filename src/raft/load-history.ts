import type { History, Operation, OpStatus } from "../check/history.js";
import type { ProtocolEvent } from "../core/observe.js";

/** One emitted event with the time it was seen at, on one clock for all of them. */
export interface TimedEvent {
  readonly atMs: number;
  readonly event: ProtocolEvent;
}

/**
 * Rebuilds the key-value clients' history from their `kvCall` / `kvReturn`
 * events (as a load driver with `recordOps` emits them), pairing each return
 * with the open call of the same `process`. Times must come from one clock
 * (one driver's). A call never returned stays `info` with `ret = Infinity`;
 * a return without an open call (a malformed stream) is refused with an error.
 */
export function historyOfKvEvents(events: readonly TimedEvent[]): History {
  const ops: Omit<Operation, "id">[] = [];
  const open = new Map<number, number>();
  for (const { atMs, event } of events) {
    if (event.type !== "kvCall" && event.type !== "kvReturn") continue;
    const process = event.process;
    if (typeof process !== "number") {
      throw new Error(
        `${event.type} at ${atMs} ms: process: expected a number, got ${String(process)}`,
      );
    }
    if (event.type === "kvCall") {
      if (open.has(process)) {
        throw new Error(`kvCall at ${atMs} ms: process ${process} already has an open operation`);
      }
      ops.push({
        process,
        f: String(event.f),
        ...(typeof event.key === "string" ? { key: event.key } : {}),
        input: event.input,
        output: undefined,
        status: "info",
        call: atMs,
        ret: Number.POSITIVE_INFINITY,
      });
      open.set(process, ops.length - 1);
      continue;
    }
    const index = open.get(process);
    if (index === undefined) {
      throw new Error(`kvReturn at ${atMs} ms: process ${process} has no open operation`);
    }
    open.delete(process);
    const status = event.status as OpStatus;
    const op = ops[index] as Omit<Operation, "id">;
    ops[index] = {
      ...op,
      status,
      output: status === "ok" ? event.output : undefined,
      ret: status === "info" ? Number.POSITIVE_INFINITY : atMs,
    };
  }
  return ops.map((op, id) => ({ ...op, id }));
}
