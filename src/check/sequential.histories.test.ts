import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHistory } from "./formats/detect.js";
import type { History, Operation } from "./history.js";
import type { AnyModel } from "./model.js";
import { MODELS } from "./models/index.js";
import { checkSequential, type SequentialResult } from "./sequential.js";
import { sharedHistories } from "./testing/paths.js";

const root = join(sharedHistories(), "porcupine");
const readme = readFileSync(join(root, "README.md"), "utf8");
const linearizable = new Set(
  [...readme.matchAll(/^\| (jepsen\/\S+) \|.*\| linearizable \|$/gm)].map((m) => m[1] as string),
);
const etcd = MODELS.get("etcd") as AnyModel;
const etcdFiles = readdirSync(join(root, "jepsen"))
  .filter((f) => f.endsWith(".log"))
  .sort();

/**
 * Checks an `ok` verdict's witness on its own: every judged operation appears
 * once (in `order` or, if indeterminate, in `omitted`), each process's
 * operations keep their order, and the order replays through the model.
 */
function expectWitness(history: History, model: AnyModel, result: SequentialResult): void {
  const judged = history.filter((op) => op.status !== "fail" || model.keepFailed?.(op) === true);
  expect([...result.order, ...result.omitted].sort((a, b) => a - b)).toEqual(
    judged.map((op) => op.id),
  );
  for (const id of result.omitted) expect(history[id]?.status).toBe("info");
  const lastCall = new Map<number, number>();
  let state = model.init();
  for (const id of result.order) {
    const op = history[id] as Operation;
    expect(op.call).toBeGreaterThanOrEqual(lastCall.get(op.process) ?? -Infinity);
    lastCall.set(op.process, op.call);
    const next = model.step(state, op);
    expect(next, `op ${id} replays`).toBeDefined();
    state = next;
  }
}

describe("sequential consistency on Porcupine's etcd histories", () => {
  expect(linearizable.size).toBe(11);

  it.each([...linearizable].map((f) => f.replace("jepsen/", "")))(
    "%s is linearizable, so the search alone finds it sequentially consistent",
    (file) => {
      const history = parseHistory(readFileSync(join(root, "jepsen", file), "utf8"), "etcd-log");
      const result = checkSequential(history, etcd, { tryLinearizable: false, timeoutMs: 20_000 });
      expect(result.verdict).toBe("ok");
      expectWitness(history, etcd, result);
    },
  );

  it("every ok verdict on the 52 logs comes with a witness that replays", () => {
    let ok = 0;
    for (const file of etcdFiles) {
      const history = parseHistory(readFileSync(join(root, "jepsen", file), "utf8"), "etcd-log");
      const result = checkSequential(history, etcd, { timeoutMs: 400 });
      if (result.verdict !== "ok") continue;
      ok++;
      expectWitness(history, etcd, result);
    }
    // stale reads are allowed without real time: most of these logs are sequentially consistent
    expect(ok).toBeGreaterThan(40);
  });

  it.each(["c01-ok.txt", "c01-bad.txt"])(
    "kv %s has one client, so it is sequentially consistent exactly when linearizable",
    (file) => {
      const history = parseHistory(readFileSync(join(root, "kv", file), "utf8"), "kv-log");
      const result = checkSequential(history, MODELS.get("kv") as AnyModel, {
        tryLinearizable: false,
      });
      expect(result.verdict).toBe(file.includes("ok") ? "ok" : "violation");
      if (result.verdict === "violation") expect(result.stuck.length).toBeGreaterThan(0);
    },
  );
});
