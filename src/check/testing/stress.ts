import type { History, Operation } from "../history.js";

/**
 * A register history no search can finish: `writers` clients write distinct
 * values at once and all time out (each may take effect at any later time,
 * or never), then reads see values in an order that forces the search to
 * try most subsets and orders of those writes. Used to prove that the
 * checker's timeout and memory bound hold.
 */
export function stressHistory(writers = 24, reads = 40): History {
  const ops: Operation[] = [];
  for (let i = 0; i < writers; i++) {
    ops.push({
      id: i,
      process: i,
      f: "write",
      input: i,
      output: undefined,
      status: "info",
      call: i,
      ret: Number.POSITIVE_INFINITY,
    });
  }
  for (let j = 0; j < reads; j++) {
    ops.push({
      id: writers + j,
      process: 1000 + j,
      f: "read",
      input: null,
      output: j % 3 === 1 ? -1 : (j * 7) % writers,
      status: "ok",
      call: 100 + 2 * j,
      ret: 101 + 2 * j,
    });
  }
  return ops;
}
