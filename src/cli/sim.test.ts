import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../sim/sweep.js";

/**
 * `cohort sim`, `cohort sweep` and `cohort shrink` as a user runs them: the
 * compiled CLI (build first: npx tsc -p .), its output, its exit codes, and
 * its errors for bad flags and malformed scenario files.
 */
const MAIN = join(packageRoot(), "dist", "cli", "main.js");
let dir = "";

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p .)`);
  dir = mkdtempSync(join(tmpdir(), "cohort-sim-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cohort(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("cohort sim", () => {
  it("prints the seed and settings first, then the verdict; exit 0 when every check held", () => {
    const r = cohort("sim", "pingpong", "--seed", "1");
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toBe(
      "SEED=1 scenario=pingpong nodes=3 durationMs=5000 nemesis=none ratePerSec=0 explicitFaults=0",
    );
    expect(lines.at(-1)).toBe("ok: every check held");
    expect(r.out).toMatch(/traceHash [0-9a-f]{16}/);
  });

  it("--json prints one object with the documented fields; a failure exits 1 and ends with its replay", () => {
    const r = cohort("sim", "pingpong-fragile", "--seed", "1", "--json");
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.out) as Record<string, unknown>;
    for (const field of [
      "scenario",
      "seed",
      "settings",
      "traceHash",
      "virtualMs",
      "events",
      "messages",
      "faults",
      "violations",
      "wallMs",
      "replay",
    ]) {
      expect(summary, field).toHaveProperty(field);
    }
    expect(summary.messages).toHaveProperty("dropped.partition");
    expect((summary.violations as string[]).length).toBeGreaterThan(0);
    const text = cohort("sim", "pingpong-fragile", "--seed", "1");
    expect(text.code).toBe(1);
    const last = text.out.trim().split("\n").at(-1);
    expect(last).toBe(
      "replay: cohort sim pingpong-fragile --seed 1 --nodes 3 --duration 10000 --nemesis random --rate 2",
    );
    // The replay line reproduces the run exactly.
    const replay = cohort(...(last ?? "").replace("replay: cohort ", "").split(" "), "--json");
    expect((JSON.parse(replay.out) as { traceHash: string }).traceHash).toBe(summary.traceHash);
  });

  it("--list names the scenarios; --help explains every flag", () => {
    const list = cohort("sim", "--list");
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^pingpong\s/m);
    const help = cohort("sim", "--help");
    expect(help.code).toBe(0);
    for (const flag of [
      "--seed",
      "--nodes",
      "--nemesis",
      "--duration",
      "--json",
      "--trace",
      "--check-determinism",
      "--list",
    ]) {
      expect(help.out).toContain(flag);
    }
  });

  it("bad flags and values exit 2 with a message naming the flag", () => {
    const cases: [string[], RegExp][] = [
      [["sim", "pingpong", "--sed", "1"], /Unknown option '--sed'/],
      [["sim", "pingpong", "--seed", "x"], /--seed: expected an integer, got "x"/],
      [["sim", "pingpong", "--nodes", "0"], /--nodes: expected 1\.\.100000, got 0/],
      [["sim", "pingpong", "--nemesis", "crash,nap"], /--nemesis: unknown fault "nap"/],
      [
        ["sim", "pingpong", "--nemesis", "loss", "--rate", "fast"],
        /--rate: expected faults per second/,
      ],
      [["sim", "nosuch"], /unknown scenario "nosuch"/],
      [["sim"], /expected a scenario name or file/],
      [
        ["sim", "pingpong-fragile", "--nodes", "1"],
        /nodes: pingpong-fragile runs 2\.\.100000 nodes, got 1/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = cohort(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toMatch(message);
    }
  });

  it("runs a scenario file; a malformed one exits 2 naming the field and why", () => {
    const good = file("good.json", {
      scenario: "pingpong",
      nodes: 5,
      durationMs: 4000,
      seed: 7,
      faults: [
        { at: 1000, fault: "partition", shape: "halves", healAt: 2000 },
        { at: 2000, fault: "crash", node: 3 },
      ],
    });
    const r = cohort("sim", good, "--json");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as {
      seed: number;
      faults: { fault: string }[];
      settings: { nodes: number };
    };
    expect(summary.seed).toBe(7);
    expect(summary.settings.nodes).toBe(5);
    expect(summary.faults.map((f) => f.fault)).toEqual(["partition", "crash"]);
    const bad = file("bad.json", {
      scenario: "pingpong",
      faults: [
        { at: 1, fault: "crash", node: 1 },
        { at: 2, fault: "loss", probability: 0.1 },
        { at: 3, fault: "pause", node: 0, healAt: 9 },
        { at: -5, fault: "crash", node: 0 },
      ],
    });
    const b = cohort("sim", bad);
    expect(b.code).toBe(2);
    expect(b.err).toBe(`cohort sim: ${bad}: faults[3].at: expected ms >= 0, got -5\n`);
    const broken = cohort("sim", file("broken.json", "{ nope"));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/broken\.json: not valid JSON/);
    const tooFew = cohort(
      "sim",
      file("few.json", {
        scenario: "pingpong",
        nodes: 3,
        faults: [{ at: 1, fault: "crash", node: 4 }],
      }),
    );
    expect(tooFew.code).toBe(2);
    expect(tooFew.err).toMatch(
      /faults\[0\]\.node: expected a node id below the node count 3, got 4/,
    );
    const missing = cohort("sim", join(dir, "missing.json"));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*missing\.json/);
  });

  it("--trace writes the trace as JSONL; --save-schedule writes a file that replays the same run", () => {
    const trace = join(dir, "trace.jsonl");
    const saved = join(dir, "saved.json");
    const r = cohort(
      "sim",
      "pingpong",
      "--seed",
      "4",
      "--nemesis",
      "loss,partition,crash",
      "--rate",
      "2",
      "--trace",
      trace,
      "--save-schedule",
      saved,
      "--json",
    );
    const lines = readFileSync(trace, "utf8").trim().split("\n");
    expect(lines.length).toBeGreaterThan(100);
    expect(JSON.parse(lines[0] ?? "")).toHaveProperty("ev");
    const original = JSON.parse(r.out) as { traceHash: string; faults: unknown[] };
    expect(original.faults.length).toBeGreaterThan(0);
    const again = JSON.parse(cohort("sim", saved, "--json").out) as {
      traceHash: string;
      faults: unknown[];
    };
    expect(again.faults).toEqual(original.faults);
    expect(again.traceHash).toBe(original.traceHash);
  });

  it("--check-determinism runs the seed twice and finds them equal", () => {
    const r = cohort("sim", "pingpong-fragile", "--seed", "2", "--check-determinism");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^deterministic: two runs gave traceHash [0-9a-f]{16}$/m);
  });
});

describe("cohort sweep", () => {
  it("runs a seed range on workers, lists failing seeds with replay commands, exits 1", () => {
    const r = cohort("sweep", "pingpong-fragile", "--seeds", "0..19", "--workers", "2", "--json");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      runs: number;
      passed: number;
      failed: { seed: number; replay: string }[];
    };
    expect(report.runs).toBe(20);
    expect(report.failed.length).toBeGreaterThan(0);
    expect(report.passed + report.failed.length).toBe(20);
    const kinds = (JSON.parse(r.out) as { failureKinds: { signature: string; count: number }[] })
      .failureKinds;
    expect(kinds.reduce((sum, k) => sum + k.count, 0)).toBe(report.failed.length);
    expect(kinds[0]?.signature).toBe(
      "n# assertion in message handler: n# got ping ## from n# twice",
    );
    const first = report.failed[0];
    expect(first?.replay).toBe(
      `cohort sim pingpong-fragile --seed ${first?.seed} --nodes 3 --duration 10000 --nemesis random --rate 2`,
    );
    // The failing seed fails again when replayed on its own.
    expect(cohort("sim", "pingpong-fragile", "--seed", String(first?.seed)).code).toBe(1);
  });

  it("exits 0 when every seed passes, printing plain progress lines off a TTY", () => {
    const r = cohort("sweep", "pingpong", "--seeds", "0..3", "--workers", "2");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^SEEDS=0\.\.3 scenario=pingpong /);
    expect(r.out).toMatch(/progress: 4\/4 seeds, 0 failed/);
    expect(r.out).toMatch(/4 runs, 4 passed, 0 failed/);
  });

  it("rejects a bad seed range with exit 2", () => {
    expect(cohort("sweep", "pingpong", "--seeds", "9..3").err).toMatch(
      /--seeds: expected A <= B, got 9\.\.3/,
    );
    expect(cohort("sweep", "pingpong", "--seeds", "a-b").code).toBe(2);
    expect(cohort("sweep", "pingpong").err).toMatch(/--seeds: required/);
  });
});

describe("cohort shrink", () => {
  it("shrinks a failing seed into a scenario file that cohort sim reproduces", () => {
    const out = join(dir, "shrunk.json");
    const r = cohort("shrink", "pingpong-fragile", "--seed", "1", "--out", out, "--json");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as {
      faultsBefore: number;
      faultsAfter: number;
      signature: string;
    };
    expect(result.faultsAfter).toBe(1);
    expect(result.faultsBefore).toBeGreaterThan(1);
    const replay = cohort("sim", out, "--json");
    expect(replay.code).toBe(1);
    const summary = JSON.parse(replay.out) as { violations: string[]; faults: unknown[] };
    expect(summary.faults).toHaveLength(1);
    expect(summary.violations[0]).toMatch(/got ping #\d+ from n\d twice/);
  });

  it("exits 1 for a passing seed and 2 without --seed", () => {
    expect(cohort("shrink", "pingpong", "--seed", "1", "--out", join(dir, "x.json")).code).toBe(1);
    const r = cohort("shrink", "pingpong");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--seed: required/);
  });
});
