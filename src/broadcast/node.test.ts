import { describe, expect, it } from "vitest";
import type { DurableStorage, Env, ProtocolEvent, StoredValue, TimerId } from "../core/index.js";
import { CLEAN_RECOVERY, NO_METRICS, SILENT_LOGGER } from "../core/index.js";
import { BROADCAST_DEFAULTS, type BroadcastVariant } from "./config.js";
import type { BroadcastMessage } from "./messages.js";
import { BroadcastNode, type BroadcastTimer } from "./node.js";

interface Harness {
  node: BroadcastNode;
  sent: { to: number; msg: BroadcastMessage }[];
  events: ProtocolEvent[];
  timers: BroadcastTimer[];
}

/** In-memory storage (synced writes only matter across restarts, which these tests do by hand). */
function memoryStorage(initial: Record<string, StoredValue> = {}): DurableStorage {
  const data = new Map<string, StoredValue>(Object.entries(initial));
  return {
    get: (k) => data.get(k),
    put: (k, v) => void data.set(k, v),
    delete: (k) => void data.delete(k),
    keys: (prefix = "") => [...data.keys()].filter((k) => k.startsWith(prefix)).sort(),
    sync: () => {},
    recovery: CLEAN_RECOVERY,
  };
}

function harness(
  variant: BroadcastVariant,
  self = 1,
  n = 3,
  recovered = false,
  storage = memoryStorage(),
): Harness {
  const h: Harness = {
    node: new BroadcastNode({ ...BROADCAST_DEFAULTS, variant }),
    sent: [],
    events: [],
    timers: [],
  };
  const env: Env<BroadcastMessage, BroadcastTimer> = {
    self,
    cluster: Array.from({ length: n }, (_, i) => i),
    now: () => 0,
    send: (to, msg) => h.sent.push({ to, msg }),
    setTimer: (_ms, tag) => h.timers.push(tag) as TimerId,
    cancelTimer: () => {},
    random: () => 0.5,
    buggify: () => false,
    storage,
    emit: (e) => h.events.push(e),
    log: SILENT_LOGGER,
    metrics: NO_METRICS,
  };
  h.node.start(env, recovered);
  return h;
}

const data = (origin: number, seq: number, body: string, vc: number[] = []) =>
  ({ type: "data", origin, seq, body, vc }) as const;

describe("BroadcastNode", () => {
  it("reliable: relays a new packet to every other peer, acks it, delivers once", () => {
    const h = harness("reliable");
    h.node.onMessage(0, data(0, 1, "a"));
    h.node.onMessage(2, data(0, 1, "a"));
    expect(h.events).toEqual([{ type: "deliver", id: "0.1", origin: 0, body: "a" }]);
    expect(h.sent).toContainEqual({ to: 2, msg: data(0, 1, "a") });
    expect(h.sent.filter((s) => s.msg.type === "ack")).toHaveLength(2);
  });

  it("resends to a peer until it acknowledges, then stops", () => {
    const h = harness("reliable");
    h.node.broadcast("x");
    h.sent.length = 0;
    h.node.onTimer("resend");
    expect(h.sent.map((s) => s.to).sort()).toEqual([0, 2]);
    h.node.onMessage(0, { type: "ack", key: "d1.1" });
    h.node.onMessage(2, { type: "ack", key: "d1.1" });
    h.sent.length = 0;
    for (let i = 0; i < 10; i++) h.node.onTimer("resend");
    expect(h.sent).toEqual([]);
  });

  it("refuses a body peers would refuse, before sending anything", () => {
    const h = harness("reliable");
    expect(() => h.node.broadcast("x".repeat(5_000))).toThrow(
      "body: expected at most 4096 characters, got 5000",
    );
    expect(h.sent).toEqual([]);
    expect(h.events).toEqual([]);
  });

  it("best-effort neither relays nor acks nor resends", () => {
    const h = harness("best-effort");
    expect(h.timers).toEqual([]);
    h.node.onMessage(0, data(0, 1, "a"));
    expect(h.sent).toEqual([]);
    expect(h.events).toHaveLength(1);
  });

  it("drops a packet that contradicts one held, and one from outside the cluster", () => {
    const h = harness("reliable");
    h.node.onMessage(0, data(0, 1, "a"));
    h.node.onMessage(2, data(0, 1, "forged"));
    h.node.onMessage(2, data(7, 1, "ghost"));
    expect(h.events.map((e) => e.body)).toEqual(["a"]);
  });

  it("causal: holds a message until its causal predecessor is delivered", () => {
    const h = harness("causal", 2);
    // n1 delivered n0's first message, then broadcast: stamp [1, 1].
    h.node.onMessage(1, data(1, 1, "reply", [1, 1]));
    expect(h.events).toEqual([]);
    h.node.onMessage(0, data(0, 1, "question", [1]));
    expect(h.events.map((e) => e.body)).toEqual(["question", "reply"]);
    // A stamp whose own entry disagrees with its seq is malformed.
    h.node.onMessage(0, data(0, 2, "bad", [5]));
    expect(h.events).toHaveLength(2);
  });

  it("total: delivers in the sequencer's ranks, not in arrival order", () => {
    const h = harness("total", 2);
    h.node.onMessage(1, data(1, 1, "b"));
    h.node.onMessage(0, data(0, 1, "a"));
    expect(h.events).toEqual([]);
    h.node.onMessage(0, { type: "order", epoch: 0, rank: 2, origin: 1, seq: 1 });
    expect(h.events).toEqual([]);
    h.node.onMessage(0, { type: "order", epoch: 0, rank: 1, origin: 0, seq: 1 });
    expect(h.events.map((e) => e.body)).toEqual(["a", "b"]);
  });

  it("a node restarted after a crash stays out; one stopped cleanly starts afresh", () => {
    const storage = memoryStorage();
    harness("reliable", 1, 3, false, storage);
    const h = harness("reliable", 1, 3, true, storage);
    expect(h.node.retired).toBe(true);
    expect(h.node.broadcast("x")).toBeUndefined();
    h.node.onMessage(0, data(0, 1, "a"));
    expect(h.sent).toEqual([]);
    expect(h.events).toEqual([]);
    const clean = memoryStorage();
    harness("reliable", 1, 3, false, clean).node.stop();
    const again = harness("reliable", 1, 3, true, clean);
    expect(again.node.retired).toBe(false);
    expect(again.node.broadcast("y")).toBe("1.1");
  });
});
