import { describe, expect, it } from "vitest";
import { PHI_DEFAULTS } from "../detect/phi/config.js";
import type { RunView } from "../sim/scenario.js";
import type { ScheduledFault } from "../sim/schedule.js";
import { phiBounds, phiSpikeDetectMs } from "./detect-phi.js";
import { DETECT_ASSUMPTIONS, type DetectAssumptions, detectionRunOf } from "./detect-run.js";

const crash: ScheduledFault = { at: 10_000, fault: "crash", node: 3 };

/** A finished run of 4 members, 30 s, in which member 3 crashes for good at 10 s. */
function view(faults: ScheduledFault[]): RunView<unknown, unknown> {
  return {
    seed: 1,
    nodeCount: 4,
    durationMs: 30_000,
    endMs: 30_000,
    events: [],
    faults: [...faults, crash].sort((a, b) => a.at - b.at),
    lifecycle: [{ t: 10_000, node: 3, change: "down", cause: "crash" }],
    counters: {} as RunView["counters"],
    violation: undefined,
    node: () => undefined,
    status: () => "up" as never,
  };
}

const DETECT_MS = 500;
function graceOf(faults: ScheduledFault[], a: DetectAssumptions = DETECT_ASSUMPTIONS): number {
  const run = detectionRunOf(view(faults), DETECT_MS, a);
  const crash = run.outages.find((o) => o.kind === "crash" && o.node === 3);
  expect(run.unverifiable ?? []).toEqual([]);
  return crash?.graceMs ?? Number.NaN;
}
const relayed = { ...DETECT_ASSUMPTIONS, relayedEvidence: true };

describe("detect-run: how a run's faults stretch the detection bound", () => {
  it("no fault near the crash: no grace", () => {
    expect(graceOf([])).toBe(0);
  });

  it("latency spikes: the largest stacked delay of one node, not the sum over spikes", () => {
    // two spikes on different nodes: a message carries the larger of its ends', 300
    const spike = (nodes: number[], extraLatencyMs: number): ScheduledFault => ({
      at: 9_000,
      fault: "delay",
      extraLatencyMs,
      nodes,
      healAt: 12_000,
    });
    expect(graceOf([spike([0], 200), spike([3], 300)])).toBe(300);
    // on the same node they stack
    expect(graceOf([spike([3], 200), spike([3], 300)])).toBe(500);
    // a spike that healed long before the crash has no message left in flight
    expect(graceOf([{ at: 1_000, fault: "delay", extraLatencyMs: 400, healAt: 2_000 }])).toBe(0);
    // one that heals just before: its last messages land up to heal + 400
    expect(graceOf([{ at: 1_000, fault: "delay", extraLatencyMs: 400, healAt: 9_900 }])).toBe(300);
  });

  it("replays are judged from their heal (plus a latency bound and any spike), never left unjudged", () => {
    const replay: ScheduledFault = { at: 9_000, fault: "replay", probability: 0.1, healAt: 12_000 };
    expect(graceOf([replay])).toBe(12_000 + 50 - 10_000);
    const spike: ScheduledFault = {
      at: 11_000,
      fault: "delay",
      extraLatencyMs: 250,
      healAt: 13_000,
    };
    expect(graceOf([replay, spike])).toBe(12_000 + 250 + 50 - 10_000);
    // a replay that healed before the crash leaves nothing behind
    expect(graceOf([{ ...replay, at: 1_000, healAt: 2_000 }])).toBe(0);
  });

  it("relayed evidence: cuts hold detection until their heal; corruption forges, for direct heartbeats it does not", () => {
    const cut: ScheduledFault = {
      at: 9_800,
      fault: "partition",
      groups: [[0], [1, 2, 3]],
      healAt: 11_000,
    };
    expect(graceOf([cut])).toBe(0);
    expect(graceOf([cut], relayed)).toBe(11_000 - 10_000);
    const corrupt: ScheduledFault = {
      at: 9_000,
      fault: "corrupt",
      probability: 0.1,
      healAt: 11_000,
    };
    expect(graceOf([corrupt])).toBe(0);
    expect(graceOf([corrupt], relayed)).toBe(11_000 + 50 - 10_000);
  });

  it("accuracy: a relayed detector is judged after a replay heals, not after a corruption", () => {
    // (the crash is permanent: it does not disturb the calm)
    const calm = (f: ScheduledFault, a: DetectAssumptions) =>
      detectionRunOf(view([f]), DETECT_MS, a).calmFromMs;
    expect(calm({ at: 5_000, fault: "replay", probability: 0.1, healAt: 6_000 }, relayed)).toBe(
      6_000,
    );
    expect(calm({ at: 5_000, fault: "corrupt", probability: 0.1, healAt: 6_000 }, relayed)).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(
      calm({ at: 5_000, fault: "corrupt", probability: 0.1, healAt: 6_000 }, DETECT_ASSUMPTIONS),
    ).toBe(6_000);
  });

  it("hops after the crash (FUSE's notification) each carry a spike active then", () => {
    const later: ScheduledFault = {
      at: 10_100,
      fault: "delay",
      extraLatencyMs: 200,
      healAt: 20_000,
    };
    expect(graceOf([later])).toBe(0);
    expect(graceOf([later], { ...DETECT_ASSUMPTIONS, delayedHops: 2 })).toBe(400);
  });

  it("φ: a spike before the crash lets its window learn a stretched sample; the bound follows", () => {
    const spike: ScheduledFault = { at: 100, fault: "delay", extraLatencyMs: 576, healAt: 5_000 };
    const stated = phiBounds(PHI_DEFAULTS).detectMs;
    const learned = phiSpikeDetectMs(PHI_DEFAULTS, 576);
    expect(learned).toBeGreaterThan(stated);
    const a = {
      ...DETECT_ASSUMPTIONS,
      spikeDetectMs: (ms: number) => phiSpikeDetectMs(PHI_DEFAULTS, ms),
    };
    const run = detectionRunOf(view([spike]), stated, a);
    expect(run.outages.find((o) => o.kind === "crash")?.graceMs).toBe(learned - stated);
    // without a spike the stated bound stands, and it exceeds the calm window's worst case
    expect(phiSpikeDetectMs(PHI_DEFAULTS, 0)).toBeLessThan(stated);
  });
});
