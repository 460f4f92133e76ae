import { describe, expect, it } from "vitest";
import { detectorContract } from "../contract/detector-contract.js";
import { ManualNet } from "../testing/manual-net.js";
import { PING_DEFAULTS } from "./config.js";
import type { PingMsg, PingTimer } from "./messages.js";
import { pingProtocol } from "./protocol.js";

// Crash at t: the next round starts by t + 100 and times out 300 ms later.
detectorContract({
  protocol: pingProtocol,
  config: PING_DEFAULTS,
  warmupMs: 500,
  detectBoundMs: 100 + 300 + 2,
  recoverBoundMs: 100 + 2 + 2,
});

describe("ping detector", () => {
  it("golden: a crash is suspected when the first unanswered round times out", () => {
    const net = new ManualNet<PingMsg, PingTimer>({
      ids: [0, 1, 2],
      create: (id) => pingProtocol.create(id, PING_DEFAULTS),
      latencyMs: 1,
    });
    net.startAll();
    net.runUntil(1050);
    net.crash(2);
    net.runUntil(2000);
    // round 12 leaves at 1100 unanswered; it times out at 1400
    expect(net.eventLines("suspect")).toEqual([
      '1400 n0 {"type":"suspect","peer":2}',
      '1400 n1 {"type":"suspect","peer":2}',
    ]);
  });

  it("validate names the bad field", () => {
    expect(pingProtocol.validate({ type: "pingOk" })).toBe(
      "inReplyTo: expected a non-negative integer, got nothing",
    );
    expect(pingProtocol.validate({ type: "ping", msgId: 2 })).toBeUndefined();
  });
});
