import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectFormat, parseHistory } from "../formats/detect.js";
import { MODELS } from "../models/index.js";
import { sharedHistories } from "../testing/paths.js";
import { checkLinearizable } from "./check.js";

// The verdicts Porcupine's own test suite asserts, as the README beside the files lists them.
const root = join(sharedHistories(), "porcupine");
const readme = readFileSync(join(root, "README.md"), "utf8");
const expected = new Map(
  [...readme.matchAll(/^\| ((?:jepsen|kv)\/\S+) \|.*\| (linearizable|not-linearizable) \|$/gm)].map(
    (m) => [m[1]!, m[2] === "linearizable" ? "ok" : "violation"] as const,
  ),
);
const etcdFiles = readdirSync(join(root, "jepsen"))
  .filter((f) => f.endsWith(".log"))
  .sort();
const kvFiles = readdirSync(join(root, "kv"))
  .filter((f) => f.endsWith(".txt"))
  .sort();

describe("Porcupine's histories", () => {
  it("has all 52 etcd logs and 4 kv histories, each with an expected verdict", () => {
    expect(etcdFiles).toHaveLength(52);
    expect(kvFiles).toHaveLength(4);
    for (const f of etcdFiles) expect(expected.has(`jepsen/${f}`), f).toBe(true);
    for (const f of kvFiles) expect(expected.has(`kv/${f}`), f).toBe(true);
    const etcdVerdicts = etcdFiles.map((f) => expected.get(`jepsen/${f}`));
    expect(etcdVerdicts.filter((v) => v === "ok")).toHaveLength(11);
  });

  it.each(etcdFiles)("etcd %s matches Porcupine's verdict", (file) => {
    const history = parseHistory(readFileSync(join(root, "jepsen", file), "utf8"), "etcd-log");
    const result = checkLinearizable(history, MODELS.get("etcd")!, { timeoutMs: 30_000 });
    expect(result.verdict).toBe(expected.get(`jepsen/${file}`));
    const [part] = result.partitions;
    if (result.verdict === "violation") {
      // The report's evidence: a prefix, and at least one determinate op stuck after it.
      expect(part!.stuck.length).toBeGreaterThan(0);
      for (const s of part!.stuck) expect(history[s.id]!.status).not.toBe("info");
      expect(part!.linearized).not.toContain(part!.stuck[0]!.id);
    } else {
      const determinate = history.filter(
        (op) => op.status === "ok" || (op.status === "fail" && op.f === "cas"),
      );
      expect(part!.linearized.length + part!.omitted.length).toBe(
        determinate.length + history.filter((op) => op.status === "info").length,
      );
    }
  });

  it.each(kvFiles)("kv %s matches Porcupine's verdict, key by key and whole", (file) => {
    const history = parseHistory(readFileSync(join(root, "kv", file), "utf8"), "kv-log");
    const want = expected.get(`kv/${file}`);
    const byKey = checkLinearizable(history, MODELS.get("kv")!, { timeoutMs: 30_000 });
    expect(byKey.verdict).toBe(want);
    expect(byKey.partitions.length).toBeGreaterThan(1);
    const whole = checkLinearizable(history, MODELS.get("kv")!, {
      partition: false,
      timeoutMs: 30_000,
    });
    expect(whole.verdict).toBe(want);
    expect(whole.partitions).toHaveLength(1);
  });

  it("detects each file's format without --format", () => {
    for (const f of etcdFiles)
      expect(detectFormat(readFileSync(join(root, "jepsen", f), "utf8")), f).toBe("etcd-log");
    for (const f of kvFiles)
      expect(detectFormat(readFileSync(join(root, "kv", f), "utf8")), f).toBe("kv-log");
  });

  it("counts the ops, indeterminate ops and processes of etcd_000 as the README does", () => {
    const history = parseHistory(readFileSync(join(root, "jepsen", "etcd_000.log"), "utf8"));
    expect(history).toHaveLength(85);
    expect(
      history.filter((op) => op.status === "info" || (op.status === "fail" && op.f === "read")),
    ).toHaveLength(16);
    expect(new Set(history.map((op) => op.process)).size).toBe(19);
  });
});
