import { describe, expect, it } from "vitest";
import type { RunSummary } from "./summary.js";
import { formatDrops, formatSettings, formatSummary } from "./summary.js";
import { DROP_REASONS } from "./types.js";

const dropped = Object.fromEntries(
  DROP_REASONS.map((r) => [r, 0]),
) as RunSummary["messages"]["dropped"];

const SUMMARY: RunSummary = {
  scenario: "pingpong",
  seed: 9,
  settings: { nodes: 3, durationMs: 5000, nemesis: "loss", ratePerSec: 1, explicitFaults: 0 },
  traceHash: "0123456789abcdef",
  virtualMs: 1234.5678,
  stopReason: "violation",
  events: 10,
  emitted: 2,
  messages: {
    sent: 7,
    delivered: 5,
    dropped: { ...dropped, loss: 2 },
    duplicated: 0,
    replayed: 0,
    corrupted: 0,
    inFlight: 0,
  },
  faults: [
    { at: 100, fault: "loss", probability: 0.5, healAt: 900 },
    { at: 200, fault: "crash", node: 1 },
  ],
  violations: ["t=1234.568ms n1 assertion in message handler: boom"],
  wallMs: 3,
  replay: "cohort sim pingpong --seed 9 --nodes 3 --duration 5000 --nemesis loss --rate 1",
};

describe("run summaries in text", () => {
  it("open with the seed and every setting", () => {
    expect(
      formatSettings("pingpong", 9, {
        ...SUMMARY.settings,
        file: "a.json",
        receiveBufferCapacity: 8,
      }),
    ).toBe(
      "SEED=9 scenario=pingpong file=a.json nodes=3 durationMs=5000 nemesis=loss ratePerSec=1 explicitFaults=0 receiveBufferCapacity=8",
    );
  });

  it("list counters and faults, and end a failure with the replay command", () => {
    expect(formatSummary(SUMMARY, 1)).toBe(
      [
        "virtual time 1234.568 ms (violation), 10 events, 2 emitted, wall 3 ms",
        "messages: sent 7, delivered 5, dropped loss=2, duplicated 0, replayed 0, corrupted 0, in flight 0",
        "faults: 2",
        "  t=100ms loss probability=0.5 until 900ms",
        "  … 1 more (--json lists them all)",
        "traceHash 0123456789abcdef",
        "FAILED: 1 violation(s)",
        "  t=1234.568ms n1 assertion in message handler: boom",
        "replay: cohort sim pingpong --seed 9 --nodes 3 --duration 5000 --nemesis loss --rate 1",
      ].join("\n"),
    );
  });

  it("say so when every check held, and show no drops as none", () => {
    const ok = formatSummary({ ...SUMMARY, violations: [] });
    expect(ok.split("\n").at(-1)).toBe("ok: every check held");
    expect(ok).not.toMatch(/replay:/);
    expect(formatDrops(dropped)).toBe("none");
  });
});
