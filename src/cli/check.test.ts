import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot, sharedHistories } from "../check/testing/paths.js";

const root = packageRoot();
const main = join(root, "dist", "cli", "main.js");
const porcupine = join(sharedHistories(), "porcupine");
const etcd = (n: string) => join(porcupine, "jepsen", `etcd_${n}.log`);
const tmp = mkdtempSync(join(tmpdir(), "cohort-check-"));

function cohort(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx tsc -p .)`);
  const r = spawnSync(process.execPath, [main, "check", ...args], { encoding: "utf8", cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe("cohort check", () => {
  it("exits 1 on a violation and names the stuck operation and its line", () => {
    const r = cohort(etcd("000"), "--model", "etcd");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("etcd_000.log: violation (linearizable, model etcd, 85 ops");
    expect(r.stdout).toMatch(/cannot linearize op \d+ \(line \d+\): read\(\) → \d/);
  });

  it("exits 0 when every file holds; 1 when any is violated", () => {
    expect(cohort(etcd("002"), etcd("018"), "--model", "etcd").code).toBe(0);
    expect(cohort(etcd("002"), etcd("000"), "--model", "etcd").code).toBe(1);
  });

  it("--json prints one object per file with the counterexample", () => {
    const r = cohort(etcd("000"), etcd("002"), "--model", "etcd", "--json");
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.model, l.checker, l.ops, l.verdict])).toEqual([
      ["etcd", "linearizable", 85, "violation"],
      ["etcd", "linearizable", 77, "ok"],
    ]);
    expect(typeof lines[0]!.ms).toBe("number");
    const [part] = lines[0]!.counterexample as { linearized: number[]; stuck: { id: number }[] }[];
    expect(part!.linearized.length).toBeGreaterThan(0);
    expect(part!.stuck.length).toBeGreaterThan(0);
    expect(lines[1]!.counterexample).toBeUndefined();
  });

  it("--report writes one self-contained HTML file per history", () => {
    const dir = join(tmp, "reports");
    const r = cohort(etcd("000"), "--model", "etcd", "--report", dir);
    expect(r.code).toBe(1);
    const html = readFileSync(join(dir, "etcd_000.log.html"), "utf8");
    expect(html.toLowerCase()).toContain("<!doctype html>");
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it("exits 2 (unknown, never a guess) when the timeout comes first", () => {
    const r = cohort(
      join(porcupine, "kv", "c10-ok.txt"),
      "--model",
      "kv",
      "--no-partition",
      "--timeout",
      "0.001",
      "--json",
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).verdict).toBe("unknown");
  });

  it("exits 3 with file:line on malformed input, whatever the other files say", () => {
    const bad = file(
      "bad.log",
      "INFO  jepsen.util - 0 :invoke :read nil\nINFO  jepsen.util - 0 :ok :read [1\n",
    );
    const r = cohort(etcd("000"), bad, "--model", "etcd");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `${bad}:2: expected ] to close the collection, got the end of the input`,
    );
  });

  it("exits 3 on usage errors, naming the flag", () => {
    const noModel = cohort(etcd("000"));
    expect(noModel.code).toBe(3);
    expect(noModel.stderr).toMatch(/--model: expected one of register/);
    const badChecker = cohort(etcd("000"), "--model", "etcd", "--checker", "psychic");
    expect(badChecker.code).toBe(3);
    expect(badChecker.stderr).toContain(
      '--checker: expected one of linearizable, sequential, session, convergence, causal, got "psychic"',
    );
    expect(cohort(etcd("000"), "--model", "etcd", "--bogus").code).toBe(3);
  });

  it("an op the model does not know is bad input, not a violation", () => {
    const r = cohort(etcd("000"), "--model", "register");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /etcd_000\.log:\d+: model register: expected f to be one of read, write, got "cas"/,
    );
  });

  it("loads a user's model from a module file", () => {
    const model = file(
      "gcounter.mjs",
      `export const model = { name: "gcounter", summary: "grow-only counter", init: () => 0,
        step: (s, op) => op.f === "inc" ? s + 1 : (op.status !== "ok" || op.output === s ? s : undefined),
        equal: (a, b) => a === b, hash: (s) => s, describeState: String, describeOp: (op) => op.f };`,
    );
    const ok = file(
      "inc-ok.jsonl",
      '{"type":"invoke","process":0,"f":"inc"}\n{"type":"ok","process":0,"f":"inc"}\n{"type":"invoke","process":1,"f":"read"}\n{"type":"ok","process":1,"f":"read","value":1}\n',
    );
    const stale = file(
      "inc-stale.jsonl",
      '{"type":"invoke","process":0,"f":"inc"}\n{"type":"ok","process":0,"f":"inc"}\n{"type":"invoke","process":1,"f":"read"}\n{"type":"ok","process":1,"f":"read","value":0}\n',
    );
    expect(cohort(ok, "--model", model).code).toBe(0);
    expect(cohort(stale, "--model", model).code).toBe(1);
    expect(
      cohort(ok, "--model", file("broken.mjs", "export const model = { name: 1 };")).code,
    ).toBe(3);
  });
});
