import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * DESIGN.md's one rule: protocols are pure state machines. Nothing under a
 * protocol folder may reach the world except through its Env, so every run
 * replays from its seed. This test fails the build when one does.
 */
const PROTOCOL_FOLDERS = ["clock", "detect", "elect", "gossip", "broadcast", "raft", "chain"];
const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  {
    pattern:
      /from\s+["'](node:)?(net|fs|fs\/promises|dgram|tls|timers|timers\/promises|child_process|worker_threads)["']/,
    why: "imports host I/O",
  },
  {
    pattern: /import\(\s*["'](node:)?(net|fs|dgram|tls|timers|child_process)["']/,
    why: "imports host I/O",
  },
  { pattern: /\bDate\b/, why: "reads the wall clock (use env.now())" },
  { pattern: /\bMath\.random\b/, why: "uses unseeded randomness (use env.random())" },
  {
    pattern: /\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b/,
    why: "uses host timers (use env.setTimer())",
  },
  {
    pattern: /\bperformance\.now\b|\bprocess\.hrtime\b/,
    why: "reads the host clock (use env.now())",
  },
  {
    pattern: /from\s+["'](\.\.\/)+(sim|net|cli|scenarios|bench|registry)(\/|\.js)/,
    why: "depends on a host or a layer above the protocols (DESIGN.md: protocols depend on core)",
  },
];

const SRC = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) files.push(path);
  }
  return files;
}

/** Removes comments so a sentence about `Date` in a comment is not a violation. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

function purityViolations(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const lines = stripComments(readFileSync(file, "utf8")).split("\n");
    lines.forEach((line, i) => {
      for (const { pattern, why } of FORBIDDEN) {
        if (pattern.test(line))
          found.push(`${relative(SRC, file)}:${i + 1}: ${why}: ${line.trim()}`);
      }
    });
  }
  return found;
}

describe("protocol purity", () => {
  it("no protocol folder touches the world except through Env", () => {
    const files = PROTOCOL_FOLDERS.flatMap((f) => sourceFiles(join(SRC, f)));
    expect(purityViolations(files)).toEqual([]);
  });

  it("the check itself catches each forbidden use", () => {
    const samples = [
      'import { connect } from "node:net";',
      'import * as fs from "fs";',
      "const t = Date.now();",
      "const r = Math.random();",
      "setTimeout(() => {}, 5);",
      "const t = performance.now();",
      'import { Simulation } from "../sim/index.js";',
      'import { PROTOCOLS } from "../../registry.js";',
    ];
    for (const sample of samples) {
      const hit = FORBIDDEN.some(({ pattern }) => pattern.test(sample));
      expect(hit, sample).toBe(true);
    }
  });
});
