import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../net/launcher.js";
import { runElectionSamples } from "./election.js";
import { agreedForGoodFrom, splitBrainAfter } from "./election-measure.js";
import { electionMessagesSvg } from "./election-svg.js";
import { electionRows, formatElectionTable, median } from "./election-table.js";

const MAIN = join(PACKAGE_ROOT, "dist", "cli", "main.js");

describe("cohort bench election, measured at tiny sizes", () => {
  const samples = runElectionSamples(["bully", "ring"], ["crash", "isolate"], [4, 6], 2);
  const rows = electionRows(samples);

  it("one row per algorithm, fault and size, medians of every seed; all agree again", () => {
    expect(samples).toHaveLength(2 * 2 * 2 * 2);
    expect(rows.map((r) => `${r.algorithm}/${r.scenario}/${r.n}`)).toEqual([
      "bully/crash/4",
      "bully/isolate/4",
      "ring/crash/4",
      "ring/isolate/4",
      "bully/crash/6",
      "bully/isolate/6",
      "ring/crash/6",
      "ring/isolate/6",
    ]);
    for (const r of rows) {
      expect(r.seeds).toBe(2);
      expect(r.converged).toBe(2);
      expect(r.notAgreedBefore).toBe(0);
      expect(r.messages).toBeGreaterThan(0);
      const mine = samples.filter(
        (s) => s.algorithm === r.algorithm && s.scenario === r.scenario && s.n === r.n,
      );
      expect(r.messages).toBe(median(mine.map((s) => s.messages)));
    }
    const crash = rows.filter((r) => r.scenario === "crash");
    for (const r of crash) {
      // The detector's deadline (500 ms) less one heartbeat interval passes before anyone reacts.
      expect(r.convergeMs).toBeGreaterThan(400);
      expect(r.convergeMs).toBeLessThan(2000);
      expect(r.splitBrainIntervals).toBe(0);
    }
    for (const r of rows.filter((x) => x.scenario === "isolate")) {
      // The isolated leader and the majority's new one both lead for about the cut (3.25 s).
      expect(r.splitBrainIntervals).toBeGreaterThanOrEqual(1);
      expect(r.splitBrainMs).toBeGreaterThan(2000);
      expect(r.splitBrainMs).toBeLessThan(4000);
    }
  });

  it("is deterministic for a seed", () => {
    expect(runElectionSamples(["ring"], ["isolate"], [4], 1)).toEqual(
      samples.filter(
        (s) => s.algorithm === "ring" && s.scenario === "isolate" && s.n === 4 && s.seed === 1,
      ),
    );
  });

  it("prints a markdown table with one line per row", () => {
    const table = formatElectionTable(rows).split("\n");
    expect(table[0]).toBe(
      "| algorithm | scenario | n | messages | converge (ms) | agreed | split-brain intervals | split-brain (ms) |",
    );
    expect(table).toHaveLength(2 + rows.length);
    expect(table[2]).toMatch(/^\| bully \| crash \| 4 \| \d+ \| \d+ \| 2\/2 \| 0 \| 0 \|$/);
  });

  it("plots one line per algorithm plus the two slope guides", () => {
    const svg = electionMessagesSvg(rows) ?? "";
    expect(svg).toContain('data-name="bully"');
    expect(svg).toContain('data-name="ring"');
    expect(svg).toContain('data-name="guide: n²"');
    expect(electionMessagesSvg(rows.filter((r) => r.n === 4))).toBeUndefined();
  });
});

describe("the bench's measures", () => {
  const run = (
    events: { t: number; node: number; leader?: number; epoch: number; type: string }[],
  ) => ({
    nodeCount: 3,
    endMs: 1000,
    events: events.map((e) => ({ t: e.t, node: e.node, event: { ...e } })),
    lifecycle: [],
  });

  it("agreement counts only when it holds to the end of the run", () => {
    const r = run([
      { t: 10, node: 0, type: "leader", leader: 2, epoch: 2 },
      { t: 10, node: 1, type: "leader", leader: 2, epoch: 2 },
      { t: 10, node: 2, type: "leader", leader: 2, epoch: 2 },
      { t: 300, node: 1, type: "leader-lost", epoch: 2 },
      { t: 450, node: 1, type: "leader", leader: 2, epoch: 2 },
    ]);
    expect(agreedForGoodFrom(r, 0)).toBe(450);
    expect(agreedForGoodFrom(run([]), 0)).toBeUndefined();
  });

  it("split brain after the fault is clipped to it and counted once where intervals overlap", () => {
    const r = run([
      { t: 100, node: 1, type: "believe-leader", epoch: 1 },
      { t: 200, node: 2, type: "believe-leader", epoch: 2 },
      { t: 400, node: 0, type: "believe-leader", epoch: 3 },
      { t: 600, node: 2, type: "step-down", epoch: 2 },
    ]);
    // n1 with n2 from 200 to 600, n1 with n0 from 400 to 1000, n2 with n0 from 400 to 600
    expect(splitBrainAfter(r, 0)).toEqual({ intervals: 3, ms: 800 });
    expect(splitBrainAfter(r, 500)).toEqual({ intervals: 3, ms: 500 });
    expect(splitBrainAfter(r, 1000)).toEqual({ intervals: 0, ms: 0 });
  });
});

describe("cohort bench election on the command line (dist)", () => {
  it("--json prints one row object per algorithm, scenario and n with the issue's fields", () => {
    const args = ["bench", "election", "--n", "4", "--seeds", "1", "--algorithms", "next-in-line"];
    const out = spawnSync(process.execPath, [MAIN, ...args, "--scenarios", "crash", "--json"], {
      encoding: "utf8",
    });
    expect(out.status).toBe(0);
    const { rows } = JSON.parse(out.stdout) as { rows: Record<string, unknown>[] };
    expect(rows).toHaveLength(1);
    const row = rows[0] ?? {};
    for (const field of ["messages", "convergeMs", "splitBrainIntervals", "splitBrainMs"]) {
      expect(typeof row[field]).toBe("number");
    }
    expect(row).toMatchObject({ algorithm: "next-in-line", scenario: "crash", n: 4, seeds: 1 });
  });

  it("bad flags are usage errors that name the flag", () => {
    const bad = spawnSync(process.execPath, [MAIN, "bench", "election", "--algorithms", "paxos"], {
      encoding: "utf8",
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--algorithms: unknown "paxos"; expected one of bully, ring');
    const tiny = spawnSync(process.execPath, [MAIN, "bench", "election", "--n", "1"], {
      encoding: "utf8",
    });
    expect(tiny.status).toBe(2);
    expect(tiny.stderr).toContain("--n: expected 2..1024, got 1");
    const usage = spawnSync(process.execPath, [MAIN, "bench", "election", "--usage"], {
      encoding: "utf8",
    });
    expect(usage.status).toBe(0);
    expect(usage.stdout).toContain("--svg DIR          write DIR/election-messages-vs-n.svg");
  });
});
