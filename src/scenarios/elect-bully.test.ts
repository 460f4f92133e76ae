import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/index.js";
import type { BullyConfig } from "../elect/index.js";
import {
  BULLY_DEFAULTS,
  BullyNode,
  bullyProtocol,
  reignsOf,
  replayFencing,
  splitBrainOf,
} from "../elect/index.js";
import type { RunView } from "../sim/scenario.js";
import { ELECT_BULLY_BOUND_MS, electBullyScenario } from "./elect-bully.js";
import { electionContract, scripted } from "./elect-contract.js";
import { electionRunOf, electScenario } from "./elect-scenario.js";

electionContract({
  scenario: electBullyScenario,
  boundMs: ELECT_BULLY_BOUND_MS,
  winner: (live) => Math.max(...live),
});

/** Runs the bully scenario with scripted faults and keeps the election view of the run. */
function isolateLeader() {
  let view: RunView<unknown, unknown> | undefined;
  const scenario = {
    ...electBullyScenario,
    check: (run: RunView<unknown, unknown>) => {
      view = run;
      return electBullyScenario.check(run);
    },
  };
  const groups = [[4], [0, 1, 2, 3]];
  const { summary } = scripted(
    scenario,
    [{ at: 2000, fault: "partition", groups, healAt: 6000 }],
    12_000,
  );
  if (view === undefined) throw new Error("the check did not run");
  return { summary, run: electionRunOf(view) };
}

/** A bully that ignores its detector's suspicion of the leader: it never replaces a crashed one. */
class NeverReelects extends BullyNode {
  protected override onSuspect(_peer: NodeId): void {}
}

describe("elect-bully", () => {
  it("isolating the leader: the detector reports the split brain, the merge ends it", () => {
    const { summary, run } = isolateLeader();
    expect(summary.violations).toEqual([]);
    const report = splitBrainOf(run);
    // The long split, then the instant of the merge: n4 leads epoch 3 before n3 hears of it.
    expect(report.intervals).toHaveLength(2);
    const [x, merge] = report.intervals;
    // n4 kept leading epoch 4 alone; n3 led epoch 8 on the majority side until the merge.
    expect(x?.nodes).toEqual([4, 3]);
    expect(x?.epochs).toEqual([4, 8]); // epochs are minted per node: ≡ id mod 5
    expect(x?.sameEpoch).toBe(false);
    expect(x?.fromMs).toBeGreaterThan(2400); // the deadline after the last heartbeat before the cut
    expect(x?.toMs).toBeGreaterThan(6000); // until the merge after the heal
    expect(x?.toMs).toBeLessThan(6000 + 1000);
    expect(merge?.nodes).toEqual([3, 4]);
    expect(merge?.epochs).toEqual([8, 9]);
    expect((merge?.toMs ?? 0) - (merge?.fromMs ?? 0)).toBeLessThan(10); // one message latency
    expect(report.splitBrainMs).toBeCloseTo((merge?.toMs ?? 0) - (x?.fromMs ?? 0), 6);
  });

  it("fencing keeps the stale leader's writes out of a resource both can reach", () => {
    const { run } = isolateLeader();
    const replay = replayFencing(reignsOf(run), 100);
    expect(replay.rejected).toBeGreaterThan(20); // n4's writes during the split
    expect(replay.admitted + replay.rejected).toBe(replay.issued);
    const epochs = replay.history.map((w) => w.epoch);
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
    // Once n3's epoch-8 write landed, nothing from n4's epoch 4 did.
    const firstOf8 = replay.history.findIndex((w) => w.epoch === 8);
    expect(firstOf8).toBeGreaterThan(0);
    expect(replay.history.slice(firstOf8).every((w) => w.value.node !== 4 || w.epoch > 8)).toBe(
      true,
    );
  });

  it("a scenario that claims safety fails bully under a partition, naming the two leaders", () => {
    const claiming = electScenario({
      name: "elect-bully-claims-safety",
      summary: "bully held to at most one leader",
      protocol: bullyProtocol,
      config: BULLY_DEFAULTS,
      boundMs: ELECT_BULLY_BOUND_MS,
      claimsSafety: true,
    });
    const groups = [[4], [0, 1, 2, 3]];
    const cut = [{ at: 2000, fault: "partition" as const, groups, healAt: 6000 }];
    const { summary } = scripted(claiming, cut, 12_000);
    expect(summary.violations.length).toBe(2);
    expect(summary.violations[0]).toMatch(
      /^split brain: n4 \(epoch 4\) and n3 \(epoch 8\) both led from 2401\.\d+ to 600\d\.\d+ ms$/,
    );
    expect(scripted(claiming, [], 12_000).summary.violations).toEqual([]);
  });

  it("planted bug — a bully that never re-elects after its leader crashes — is caught", () => {
    const planted = electScenario({
      name: "elect-bully-never-reelects",
      summary: "planted bug",
      protocol: { ...bullyProtocol, create: (_id: NodeId, c: BullyConfig) => new NeverReelects(c) },
      config: BULLY_DEFAULTS,
      boundMs: ELECT_BULLY_BOUND_MS,
    });
    const { summary } = scripted(planted, [{ at: 3000, fault: "crash", node: 4 }], 10_000);
    expect(summary.violations.length).toBeGreaterThan(0);
    expect(summary.violations[0]).toMatch(
      /^at 7000 ms every live node followed n4, which was down$/,
    );
  });

  it("rejects bad settings by field", () => {
    expect(bullyProtocol.checkConfig(BULLY_DEFAULTS)).toBeUndefined();
    expect(bullyProtocol.checkConfig({ ...BULLY_DEFAULTS, answerTimeoutMs: 0 })).toBe(
      "answerTimeoutMs: expected an integer in [1, 3600000], got 0",
    );
    expect(
      bullyProtocol.checkConfig({
        ...BULLY_DEFAULTS,
        detector: { ...BULLY_DEFAULTS.detector, deadlineMs: 50 },
      }),
    ).toBe("detector.deadlineMs: expected more than intervalMs (100), got 50");
    expect(() => bullyProtocol.create(0, { ...BULLY_DEFAULTS, holdDownMs: -1 })).toThrow(
      /elect-bully config: holdDownMs/,
    );
  });

  it("validates messages", () => {
    const v = bullyProtocol.validate;
    expect(v({ type: "coordinator", epoch: 3 })).toBeUndefined();
    expect(v({ type: "heartbeat", seq: 1 })).toBeUndefined();
    expect(v({ type: "coordinator", epoch: -1 })).toBe(
      "epoch: expected a non-negative integer, got -1",
    );
    expect(v({ type: "nope" })).toMatch(
      /^type: expected one of heartbeat, election, answer, coordinator/,
    );
  });
});
