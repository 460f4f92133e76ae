import type { History, Operation } from "../history.js";

/**
 * A counter history no search can finish: `adders` clients add distinct
 * powers of two at once and all time out (each may take effect at any later
 * time, or never), so every subset of them is a different state; a read of
 * 0 comes first, then a read of -1 that no subset explains. Deciding it
 * means visiting all 2^adders subsets. For the `counter` model; used to
 * prove the checker's timeout and memory bound.
 */
export function stressHistory(adders = 26): History {
  const ops: Operation[] = [];
  const read = (id: number, output: number, call: number): Operation => ({
    id,
    process: 1000 + id,
    f: "read",
    input: null,
    output,
    status: "ok",
    call,
    ret: call + 1,
  });
  ops.push(read(0, 0, 0));
  for (let i = 0; i < adders; i++) {
    ops.push({
      id: i + 1,
      process: i,
      f: "add",
      input: 2 ** i,
      output: undefined,
      status: "info",
      call: 2 + i,
      ret: Number.POSITIVE_INFINITY,
    });
  }
  ops.push(read(adders + 1, -1, adders + 10));
  return ops;
}
