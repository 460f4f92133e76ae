import { HistoryError } from "../errors.js";
import type { Operation, OpStatus } from "../history.js";

/** One line of a history file: a call or a completion, before pairing. */
export interface HistoryEvent {
  readonly type: "invoke" | OpStatus;
  readonly process: number;
  readonly f: string;
  readonly key?: string;
  readonly value: unknown;
  /** 1-based line in the input. */
  readonly line: number;
}

interface Open {
  readonly id: number;
  readonly event: HistoryEvent;
}

/**
 * Pairs calls with completions by process, in file order (which must be
 * real-time order), into operations with dense ids in call order. The event
 * index is the time: `call` and `ret` are positions in the file, and an
 * operation that ends `info`, or never ends, gets `ret = Infinity`. A
 * completion without an open call, a second call while one is open, or a
 * completion whose `f` or `key` differs from its call is a HistoryError.
 */
export function pairEvents(events: readonly HistoryEvent[]): Operation[] {
  const open = new Map<number, Open>();
  const ops: Operation[] = [];
  let nextId = 0;
  const close = (o: Open, status: OpStatus, output: unknown, ret: number): void => {
    const call = o.event;
    ops[o.id] = {
      id: o.id,
      process: call.process,
      f: call.f,
      ...(call.key === undefined ? {} : { key: call.key }),
      input: call.value,
      output: status === "ok" ? output : undefined,
      status,
      call: callTimes[o.id]!,
      ret: status === "info" ? Number.POSITIVE_INFINITY : ret,
      line: call.line,
    };
  };
  const callTimes: number[] = [];
  events.forEach((event, index) => {
    const current = open.get(event.process);
    if (event.type === "invoke") {
      if (current !== undefined) {
        throw new HistoryError(
          event.line,
          `expected a completion of process ${event.process}'s call on line ${current.event.line} before its next call, got another :invoke`,
        );
      }
      callTimes.push(index);
      open.set(event.process, { id: nextId++, event });
      return;
    }
    if (current === undefined) {
      throw new HistoryError(
        event.line,
        `expected an :invoke by process ${event.process} before this :${event.type}, got none open`,
      );
    }
    if (current.event.f !== event.f) {
      throw new HistoryError(
        event.line,
        `expected f ${current.event.f} (the call on line ${current.event.line}), got ${event.f}`,
      );
    }
    if (event.key !== undefined && event.key !== current.event.key) {
      throw new HistoryError(
        event.line,
        `expected key ${JSON.stringify(current.event.key)} (the call on line ${current.event.line}), got ${JSON.stringify(event.key)}`,
      );
    }
    open.delete(event.process);
    close(current, event.type, event.value, index);
  });
  for (const o of open.values()) close(o, "info", undefined, Number.POSITIVE_INFINITY);
  return ops;
}
