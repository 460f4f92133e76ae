import { describe, expect, it } from "vitest";
import { HEARTBEAT_DEFAULTS } from "../heartbeat/config.js";
import type { HeartbeatMsg, HeartbeatTimer } from "../heartbeat/messages.js";
import { heartbeatProtocol } from "../heartbeat/protocol.js";
import { ManualNet } from "../testing/manual-net.js";
import { withoutEvents } from "../testing/planted.js";
import { type DetectionRun, detectionViolations, type Outage } from "./detection.js";

const config = { ...HEARTBEAT_DEFAULTS, intervalMs: 50, deadlineMs: 250 };
const bounds = { detectMs: 250 + 1 + 1, recoverMs: 50 + 1 + 1 };

/** Crash n4 at 1000; cut n0–n1 from 1500 to 2500; run to 4000. */
function scriptedRun(protocol = heartbeatProtocol): DetectionRun {
  const net = new ManualNet<HeartbeatMsg, HeartbeatTimer>({
    ids: [0, 1, 2, 3, 4],
    create: (id) => protocol.create(id, config),
    latencyMs: 1,
  });
  net.startAll();
  net.runUntil(1000);
  net.crash(4);
  net.runUntil(1500);
  net.cut(0, 1);
  net.runUntil(2500);
  net.heal();
  net.runUntil(4000);
  const outages: Outage[] = [{ node: 4, kind: "crash", fromMs: 1000 }];
  return {
    nodeCount: 5,
    endMs: 4000,
    events: net.events.map((e) => ({ t: e.atMs, node: e.node, event: e.event })),
    outages,
    calmFromMs: 2500,
  };
}

describe("detection check", () => {
  it("passes a correct detector", () => {
    expect(detectionViolations(scriptedRun(), bounds)).toEqual([]);
  });

  it("catches a planted detector that never suspects", () => {
    const v = detectionViolations(
      scriptedRun(withoutEvents(heartbeatProtocol, ["suspect"])),
      bounds,
    );
    expect(v).toEqual(
      [0, 1, 2, 3].map(
        (a) =>
          `n${a} did not suspect n4 within 252 ms of its crash at 1000 ms (checked at 1252 ms)`,
      ),
    );
  });

  it("catches a planted detector that never trusts again", () => {
    const v = detectionViolations(scriptedRun(withoutEvents(heartbeatProtocol, ["trust"])), bounds);
    expect(v).toEqual([
      "n0 suspected live, connected n1 from 2552 ms, later than 52 ms after the last fault healed (2500 ms)",
      "n1 suspected live, connected n0 from 2552 ms, later than 52 ms after the last fault healed (2500 ms)",
    ]);
  });

  it("with mistakeMsMax, tolerates a false suspicion taken back in time, not one that lasts", () => {
    const run = scriptedRun();
    const mistake = (atMs: number, forMs: number) => [
      { t: atMs, node: 0, event: { type: "suspect", peer: 1 } },
      { t: atMs + forMs, node: 0, event: { type: "trust", peer: 1 } },
    ];
    const withMistake = (forMs: number) => ({
      ...run,
      events: [...run.events, ...mistake(3000, forMs)],
    });
    const tolerant = { ...bounds, mistakeMsMax: 100 };
    expect(detectionViolations(withMistake(80), tolerant)).toEqual([]);
    expect(detectionViolations(withMistake(80), bounds)).toHaveLength(1);
    expect(detectionViolations(withMistake(150), tolerant)).toEqual([
      "n0 suspected live, connected n1 for more than 100 ms from 3000 ms, later than 52 ms after the last fault healed (2500 ms)",
    ]);
  });

  it("catches detection that is merely too slow", () => {
    const v = detectionViolations(scriptedRun(), { ...bounds, detectMs: 200 });
    expect(v).toHaveLength(4);
  });

  it("does not demand detection from members that were down, nor of crashes that healed in time", () => {
    const run = scriptedRun();
    const quickRestart: Outage = { node: 2, kind: "crash", fromMs: 3000, toMs: 3100 };
    const downObserver: Outage = { node: 3, kind: "pause", fromMs: 1100, toMs: 1200 };
    const more = { ...run, outages: [...run.outages, quickRestart, downObserver] };
    expect(detectionViolations(more, bounds)).toEqual([]);
  });

  it("skips accuracy when the cluster never calms", () => {
    const run = {
      ...scriptedRun(withoutEvents(heartbeatProtocol, ["trust"])),
      calmFromMs: Infinity,
    };
    expect(detectionViolations(run, bounds)).toEqual([]);
  });
});
