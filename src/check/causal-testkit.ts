/**
 * Hand-written read/write histories for the causal and session tests: each
 * process is a list like `["w x 1", "r x 2", "r y _"]` (`_` reads the
 * initial value, `r x ?` is a read that timed out, `w x 3 ?` a write whose
 * outcome is unknown, `w x 3 !` one that failed). Operations run one at a
 * time, round-robin across processes, so times only fix program order.
 */

import type { History, Operation } from "./history.js";

/** Builds a history from per-process scripts; processes are numbered by their key. */
export function scripted(processes: Readonly<Record<number, readonly string[]>>): History {
  const queues = Object.entries(processes).map(([p, ops]) => ({ process: Number(p), ops }));
  const ops: Operation[] = [];
  let time = 0;
  for (let step = 0; queues.some((q) => step < q.ops.length); step++) {
    for (const q of queues) {
      const text = q.ops[step];
      if (text === undefined) continue;
      ops.push(parseStep(text, q.process, ops.length, time));
      time += 2;
    }
  }
  return ops;
}

function parseStep(text: string, process: number, id: number, time: number): Operation {
  const [kind, key, value, mark] = text.split(" ");
  if (kind === undefined || key === undefined || value === undefined) {
    throw new Error(`bad script step ${JSON.stringify(text)}`);
  }
  const base = { id, process, key, call: time };
  if (kind === "r") {
    if (value === "?")
      return { ...base, f: "read", input: null, output: undefined, status: "info", ret: Infinity };
    const output = value === "_" ? null : Number(value);
    return { ...base, f: "read", input: null, output, status: "ok", ret: time + 1 };
  }
  const input = Number(value);
  if (mark === "?")
    return { ...base, f: "write", input, output: undefined, status: "info", ret: Infinity };
  if (mark === "!")
    return { ...base, f: "write", input, output: undefined, status: "fail", ret: time + 1 };
  return { ...base, f: "write", input, output: input, status: "ok", ret: time + 1 };
}
