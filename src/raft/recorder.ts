import type { History, Operation, OpStatus } from "../check/history.js";
import { assert } from "../core/assert.js";

interface OpenOp {
  readonly process: number;
  readonly f: string;
  readonly key: string | undefined;
  readonly input: unknown;
  readonly call: number;
  status: OpStatus | undefined;
  output: unknown;
  ret: number;
}

/**
 * Records client operations as they are called and completed, and hands them
 * back as a `History` for `src/check`. A process has at most one operation
 * open; an operation never completed is reported as `info` (it may or may not
 * have taken effect), with `ret = Infinity`.
 */
export class HistoryRecorder {
  private readonly ops: OpenOp[] = [];
  private readonly open = new Map<number, number>();

  /** Records a call; returns the handle to complete it with. */
  invoke(
    process: number,
    f: string,
    key: string | undefined,
    input: unknown,
    time: number,
  ): number {
    assert(
      !this.open.has(process),
      () => `history: process ${process} already has an open operation`,
    );
    this.ops.push({
      process,
      f,
      key,
      input,
      call: time,
      status: undefined,
      output: undefined,
      ret: Infinity,
    });
    const handle = this.ops.length - 1;
    this.open.set(process, handle);
    return handle;
  }

  /** Records how the operation `handle` ended. `info` keeps `ret = Infinity`. */
  complete(handle: number, status: OpStatus, output: unknown, time: number): void {
    const op = this.ops[handle];
    assert(
      op !== undefined && op.status === undefined,
      () => `history: operation ${handle} is not open`,
    );
    op.status = status;
    op.output = status === "ok" ? output : undefined;
    op.ret = status === "info" ? Infinity : time;
    this.open.delete(op.process);
  }

  /** How many operations completed with each status so far. */
  counts(): Record<OpStatus | "open", number> {
    const counts = { ok: 0, fail: 0, info: 0, open: 0 };
    for (const op of this.ops) counts[op.status ?? "open"]++;
    return counts;
  }

  /** The history so far, ordered by call, ids dense from 0. */
  history(): History {
    const sorted = this.ops
      .map((op, i) => ({ op, i }))
      .sort((a, b) => a.op.call - b.op.call || a.i - b.i);
    return sorted.map(({ op }, id): Operation => {
      const status = op.status ?? "info";
      const base = {
        id,
        process: op.process,
        f: op.f,
        input: op.input,
        output: status === "ok" ? op.output : undefined,
        status,
        call: op.call,
        ret: status === "info" ? Infinity : op.ret,
      };
      return op.key === undefined ? base : { ...base, key: op.key };
    });
  }
}
