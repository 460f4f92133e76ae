import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/index.js";
import type { RingConfig } from "../elect/index.js";
import { RING_DEFAULTS, RingNode, ringProtocol } from "../elect/index.js";
import { electionContract, scripted } from "./elect-contract.js";
import { ELECT_RING_BOUND_MS, electRingScenario } from "./elect-ring.js";
import { electScenario } from "./elect-scenario.js";

/** A ring that does not skip: it always passes to the next id, live or not. */
class NeverSkips extends RingNode {
  protected override successor(): NodeId | undefined {
    const ring = this.env.cluster;
    return ring[(ring.indexOf(this.env.self) + 1) % ring.length];
  }
}

electionContract({
  scenario: electRingScenario,
  boundMs: ELECT_RING_BOUND_MS,
  winner: (live) => Math.max(...live),
});

describe("elect-ring", () => {
  it("planted bug — a ring that does not skip a crashed successor — is caught", () => {
    const planted = electScenario({
      name: "elect-ring-never-skips",
      summary: "planted bug",
      protocol: { ...ringProtocol, create: (_id: NodeId, c: RingConfig) => new NeverSkips(c) },
      config: RING_DEFAULTS,
      boundMs: ELECT_RING_BOUND_MS,
    });
    const { summary } = scripted(planted, [{ at: 3000, fault: "crash", node: 4 }], 10_000);
    expect(summary.violations.length).toBeGreaterThan(0);
    expect(summary.violations[0]).toMatch(/^n\d knew no leader at 7000 ms/);
    // the same crash with the real ring: no violation
    expect(
      scripted(electRingScenario, [{ at: 3000, fault: "crash", node: 4 }], 10_000).summary
        .violations,
    ).toEqual([]);
  });

  it("rejects bad settings and malformed messages by field", () => {
    expect(ringProtocol.checkConfig(RING_DEFAULTS)).toBeUndefined();
    expect(ringProtocol.checkConfig({ ...RING_DEFAULTS, roundTimeoutMs: 0 })).toBe(
      "roundTimeoutMs: expected an integer in [1, 3600000], got 0",
    );
    expect(ringProtocol.checkConfig({ ...RING_DEFAULTS, roundPerMemberMs: -1 })).toBe(
      "roundPerMemberMs: expected an integer in [0, 60000], got -1",
    );
    const v = ringProtocol.validate;
    const elect = { type: "ring-elect", initiator: 1, round: 7, epoch: 2 };
    expect(v({ ...elect, live: [1, 2] })).toBeUndefined();
    expect(v({ ...elect, live: [1, -2] })).toBe("live[1]: expected a node id, got -2");
    expect(v({ type: "ring-elect", initiator: 1, epoch: 2, live: [1] })).toBe(
      "round: expected a non-negative integer, got nothing",
    );
    expect(v({ type: "ring-leader", initiator: 1, round: 7, leader: 3, epoch: 2 })).toBe(
      "hops: expected a non-negative integer, got nothing",
    );
    const ack = { type: "ring-ack", initiator: 1, round: 7, epoch: 2 };
    expect(v({ ...ack, kind: "leader" })).toBeUndefined();
    expect(v({ ...ack, kind: "vote" })).toBe('kind: expected "elect" or "leader", got "vote"');
  });
});

describe("elect-ring against bad input", () => {
  it("ignores an election or a leader naming a node outside the cluster, and senders outside it", () => {
    const node = ringProtocol.create(0, RING_DEFAULTS);
    const emitted: unknown[] = [];
    const warned: string[] = [];
    const storage = new Map<string, unknown>();
    node.start(
      {
        self: 0,
        cluster: [0, 1, 2],
        now: () => 0,
        send: () => {},
        setTimer: () => 0,
        cancelTimer: () => {},
        random: () => 0.5,
        buggify: () => false,
        storage: {
          get: (k) => storage.get(k) as never,
          put: (k, v) => void storage.set(k, v),
          delete: (k) => void storage.delete(k),
          keys: () => [...storage.keys()],
          sync: () => {},
          recovery: { recordsRecovered: 0, recordsTruncated: 0 },
        },
        emit: (e) => void emitted.push(e),
        log: { debug() {}, info() {}, warn: (m: string) => void warned.push(m), error() {} },
        metrics: { inc() {}, set() {}, observe() {} },
      },
      false,
    );
    const before = emitted.length;
    node.onMessage(1, { type: "ring-elect", initiator: 0, round: 1, epoch: 1, live: [0, 1, 9999] });
    node.onMessage(1, {
      type: "ring-leader",
      initiator: 1,
      round: 1,
      leader: 9999,
      epoch: 50,
      hops: 0,
    });
    // and a message from a sender outside the cluster
    node.onMessage(7, {
      type: "ring-leader",
      initiator: 7,
      round: 1,
      leader: 2,
      epoch: 50,
      hops: 0,
    });
    expect(emitted.slice(before)).toEqual([]);
    expect(warned).toHaveLength(3);
  });
});
