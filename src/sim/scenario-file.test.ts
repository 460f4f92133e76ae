import { describe, expect, it } from "vitest";
import { parseScenarioFile, ScenarioFileError } from "./scenario-file.js";
import { checkScheduleNodes, resolveSchedule } from "./schedule-validate.js";
import { FAULT_VERBS } from "./types.js";

const parse = (value: unknown) => parseScenarioFile(JSON.stringify(value), "s.json");
const problem = (value: unknown): string => {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioFileError);
    return (error as Error).message;
  }
  throw new Error("expected a ScenarioFileError");
};

/** One fault of every verb, as a user would write it. */
const EVERY_FAULT = [
  { at: 100, fault: "crash", node: 1, healAt: 900 },
  { at: 100, fault: "failstop", node: 2 },
  { at: 100, fault: "loss", probability: 0.3, nodes: [0, 1], healAt: 300 },
  { at: 100, fault: "buffer", capacity: 2, nodes: [3], healAt: 300 },
  { at: 100, fault: "link", from: 0, to: 4, twoWay: true, healAt: 300 },
  { at: 1000, fault: "partition", shape: "halves", healAt: 5000 },
  {
    at: 1000,
    fault: "partition",
    groups: [
      [0, 1],
      [2, 3, 4],
    ],
  },
  { at: 100, fault: "delay", extraLatencyMs: 250, healAt: 300 },
  { at: 100, fault: "pause", node: 0, healAt: 600 },
  { at: 100, fault: "clock", node: 1, skewMs: -300, driftPpm: 2000, healAt: 800 },
  { at: 100, fault: "corrupt", probability: 0.1 },
  { at: 100, fault: "duplicate", probability: 0.1, healAt: 300 },
  { at: 100, fault: "replay", probability: 0.1, nodes: [2] },
  { at: 100, fault: "disk", node: 3, mode: "torn" },
  { at: 100, fault: "restart", node: 4, downMs: 50, tear: true },
];

describe("scenario files", () => {
  it("accept every fault verb, a network and a nemesis", () => {
    const file = parse({
      scenario: "heartbeat",
      nodes: 5,
      durationMs: 30000,
      seed: 7,
      network: { latency: { kind: "uniform", minMs: 1, maxMs: 9 }, lossProbability: 0.01 },
      faults: EVERY_FAULT,
      nemesis: { verbs: ["crash", "loss"], ratePerSec: 0.5 },
    });
    expect(new Set(file.faults.map((f) => f.fault))).toEqual(new Set(FAULT_VERBS));
    expect(file.nemesis).toEqual({ verbs: ["crash", "loss"], ratePerSec: 0.5 });
    expect(parse({ scenario: "x", nemesis: { random: true } }).nemesis).toEqual({
      verbs: FAULT_VERBS,
      ratePerSec: 1,
    });
    expect(parse({ scenario: "x", nemesis: "none" }).nemesis).toBe("none");
  });

  it("name the field and why when a fault is malformed", () => {
    const faults = (f: unknown) => problem({ scenario: "heartbeat", faults: [EVERY_FAULT[0], f] });
    expect(faults({ at: -5, fault: "crash", node: 1 })).toBe(
      "s.json: faults[1].at: expected ms >= 0, got -5",
    );
    expect(faults({ at: 5, fault: "explode", node: 1 })).toMatch(
      /^s\.json: faults\[1\]\.fault: expected one of crash, failstop, .*, got "explode"$/,
    );
    expect(faults({ at: 5, fault: "crash" })).toBe(
      "s.json: faults[1].node: required for crash, missing",
    );
    expect(faults({ at: 5, fault: "crash", node: 1, healAt: 5 })).toBe(
      "s.json: faults[1].healAt: expected ms after at (5), got 5",
    );
    expect(faults({ at: 5, fault: "loss", probability: 1.5 })).toBe(
      "s.json: faults[1].probability: expected a probability in [0, 1], got 1.5",
    );
    expect(faults({ at: 5, fault: "loss", probability: 0.5, nodes: [0, "x"] })).toBe(
      's.json: faults[1].nodes[1]: expected a node id (an integer >= 0), got "x"',
    );
    expect(faults({ at: 5, fault: "partition", shape: "triangle" })).toMatch(
      /faults\[1\]\.shape: expected one of halves, majority, isolate, bridge, ring, got "triangle"/,
    );
    expect(faults({ at: 5, fault: "partition", groups: [[0], [1, -1]] })).toBe(
      "s.json: faults[1].groups[1][1]: expected a node id (an integer >= 0), got -1",
    );
    expect(faults({ at: 5, fault: "partition" })).toMatch(/faults\[1\]\.shape: a partition needs/);
    expect(faults({ at: 5, fault: "pause", node: 0 })).toBe(
      "s.json: faults[1].healAt: required for pause, missing",
    );
    expect(faults({ at: 5, fault: "link", from: 2, to: 2 })).toMatch(
      /faults\[1\]\.to: expected a node other/,
    );
    expect(faults({ at: 5, fault: "crash", node: 1, colour: "red" })).toBe(
      "s.json: faults[1].colour: unknown field for crash (known: at, fault, node, healAt)",
    );
    expect(faults("crash")).toBe('s.json: faults[1]: expected an object, got "crash"');
    expect(faults({ at: 5, fault: "disk", node: 1, mode: "melted" })).toMatch(
      /faults\[1\]\.mode: expected "corrupt" or "torn"/,
    );
  });

  it("name the field and why when the top level is malformed", () => {
    expect(problem({ nodes: 3 })).toMatch(/^s\.json: scenario: expected a scenario name/);
    expect(problem({ scenario: "x", nodes: 0 })).toMatch(
      /^s\.json: nodes: expected an integer in \[1, /,
    );
    expect(problem({ scenario: "x", durationMs: "long" })).toMatch(
      /^s\.json: durationMs: expected ms >= 0/,
    );
    expect(problem({ scenario: "x", seed: -1 })).toMatch(/^s\.json: seed: expected an integer/);
    expect(problem({ scenario: "x", faults: {} })).toBe(
      "s.json: faults: expected an array of faults, got an object",
    );
    expect(problem({ scenario: "x", speed: 3 })).toMatch(/^s\.json: speed: unknown field/);
    expect(problem({ scenario: "x", network: { lossProbability: 2 } })).toBe(
      "s.json: network.lossProbability: expected a probability in [0, 1], got 2",
    );
    expect(
      problem({ scenario: "x", network: { latency: { kind: "uniform", minMs: 5, maxMs: 1 } } }),
    ).toBe("s.json: network.latency.maxMs: expected at least minMs (5), got 1");
    expect(problem({ scenario: "x", network: { links: [{ from: 0, to: "b" }] } })).toBe(
      's.json: network.links[0].to: expected a node id, got "b"',
    );
    expect(problem({ scenario: "x", nemesis: { verbs: ["crash", "nap"] } })).toMatch(
      /^s\.json: nemesis\.verbs\[1\]: expected one of crash/,
    );
    expect(problem({ scenario: "x", nemesis: { random: true, ratePerSec: -1 } })).toMatch(
      /^s\.json: nemesis\.ratePerSec: expected faults per second/,
    );
    expect(() => parseScenarioFile("{ not json", "bad.json")).toThrow(
      /^bad\.json: not valid JSON: /,
    );
  });

  it("check node ids against the run's node count", () => {
    const file = parse({ scenario: "x", faults: EVERY_FAULT });
    expect(checkScheduleNodes(file.faults, 5)).toBeUndefined();
    expect(checkScheduleNodes(file.faults, 4)).toBe(
      "faults[4].to: expected a node id below the node count 4, got 4",
    );
  });

  it("resolve a partition shape to groups from the seed, the same each time", () => {
    const file = parse({ scenario: "x", faults: EVERY_FAULT });
    const a = resolveSchedule(file.faults, 7, 5);
    const b = resolveSchedule(file.faults, 7, 5);
    expect(a).toEqual(b);
    const halves = a.find((f) => f.fault === "partition" && f.shape === "halves");
    expect(halves && "groups" in halves ? halves.groups.map((g) => g.length) : []).toEqual([2, 3]);
    for (let i = 1; i < a.length; i++) expect(a[i]?.at).toBeGreaterThanOrEqual(a[i - 1]?.at ?? 0);
  });
});
