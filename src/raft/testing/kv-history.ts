import type { History, Operation } from "../../check/history.js";
import { checkLinearizable } from "../../check/linearizable/check.js";
import { etcdCell, keyed } from "../../check/models/index.js";
import type { LinearizabilityResult } from "../../check/result.js";
import type { KvOp, KvResult } from "../kv.js";

/** The checker's `etcd` model, per key: read, write, cas [old new] with definite failures; absent is null. */
export const KV_MODEL = keyed(etcdCell, "etcd", etcdCell.summary);

type Draft = Omit<Operation, "id">;

/**
 * Rewrites a history of the key-value client (f = get, put, delete, cas,
 * range; input the `KvOp`, output the `KvResult`) into the checker's `etcd`
 * register-per-key vocabulary: get → read, put → write, delete → write null,
 * cas → cas [from, to] (a definite `fail` when it found another value). A
 * range becomes one read per key of `keys` in its bounds, all with the
 * range's call and return (absent keys read null): weaker than the atomic
 * range, but sound. The client records a cas it gave up on as `info`, so a
 * failed cas here always ran and found another value, as the model reads it.
 */
export function toRegisterHistory(history: History, keys: readonly string[]): History {
  const drafts: Draft[] = [];
  for (const op of history) {
    const input = op.input as KvOp;
    const output = op.output as KvResult | undefined;
    const base = { process: op.process, status: op.status, call: op.call, ret: op.ret };
    switch (input.op) {
      case "get":
        drafts.push({
          ...base,
          f: "read",
          key: input.key,
          input: null,
          output: output?.op === "get" ? output.value : undefined,
        });
        break;
      case "put":
        drafts.push({ ...base, f: "write", key: input.key, input: input.value, output: undefined });
        break;
      case "delete":
        drafts.push({ ...base, f: "write", key: input.key, input: null, output: undefined });
        break;
      case "cas":
        drafts.push({
          ...base,
          f: "cas",
          key: input.key,
          input: [input.from, input.to],
          output: undefined,
        });
        break;
      case "range": {
        if (op.status !== "ok" || output?.op !== "range") break;
        const found = new Map(output.pairs);
        for (const key of keys) {
          if (key < input.start || key >= input.end) continue;
          drafts.push({ ...base, f: "read", key, input: null, output: found.get(key) ?? null });
        }
        break;
      }
    }
  }
  drafts.sort((a, b) => a.call - b.call);
  return drafts.map((d, id) => ({ ...d, id }));
}

/** Judges a key-value client history for linearizability against `KV_MODEL`. */
export function checkKvHistory(
  history: History,
  keys: readonly string[],
  timeoutMs = 10_000,
): LinearizabilityResult {
  return checkLinearizable(toRegisterHistory(history, keys), KV_MODEL, { timeoutMs });
}
