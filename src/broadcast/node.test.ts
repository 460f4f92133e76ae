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
  rejoin = true,
): Harness {
  const h: Harness = {
    node: new BroadcastNode({ ...BROADCAST_DEFAULTS, variant, rejoin }),
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

  it("with rejoin off (and always for total order) a node restarted after a crash stays out; one stopped cleanly starts afresh", () => {
    const storage = memoryStorage();
    harness("reliable", 1, 3, false, storage, false);
    const h = harness("reliable", 1, 3, true, storage, false);
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

  it("total order stays crash-stop even with rejoin on", () => {
    const storage = memoryStorage();
    harness("total", 1, 3, false, storage);
    expect(harness("total", 1, 3, true, storage).node.retired).toBe(true);
  });

  it("rejoins after a crash: never reuses a sequence number, never delivers twice, re-spreads its own messages", () => {
    const storage = memoryStorage();
    const before = harness("fifo", 1, 3, false, storage);
    expect(before.node.broadcast("x")).toBe("1.1");
    before.node.onMessage(0, data(0, 1, "a"));
    expect(before.events.map((e) => e.id)).toEqual(["1.1", "1.1", "0.1"]);
    // Crash: the node object is lost; storage (synced) survives.
    const after = harness("fifo", 1, 3, true, storage);
    expect(after.node.retired).toBe(false);
    // Its own unstable message is spread again, without a second broadcast or delivery event.
    expect(after.sent.filter((s) => s.msg.type === "data").map((s) => s.to)).toEqual([0, 2]);
    expect(after.events).toEqual([]);
    const report = after.sent.find((s) => s.msg.type === "progress")?.msg;
    expect(report).toEqual({ type: "progress", incarnation: 1, prefix: [1, 1] });
    expect(after.node.broadcast("y")).toBe("1.2");
    after.node.onMessage(0, data(0, 1, "a"));
    after.node.onMessage(0, data(0, 2, "b"));
    expect(after.events.filter((e) => e.type === "deliver").map((e) => e.id)).toEqual([
      "1.2",
      "0.2",
    ]);
  });

  it("resends to a peer that reports a new incarnation what its report says it lacks", () => {
    const h = harness("reliable", 1, 3);
    h.node.onMessage(0, data(0, 1, "a"));
    h.node.onMessage(0, data(0, 2, "b"));
    h.node.onMessage(2, { type: "ack", key: "d0.1" });
    h.node.onMessage(2, { type: "ack", key: "d0.2" });
    h.sent.length = 0;
    h.node.onMessage(2, { type: "progress", incarnation: 1, prefix: [1] });
    h.node.onTimer("resend");
    const resent = h.sent.filter((s) => s.to === 2 && s.msg.type === "data");
    expect(resent.map((s) => (s.msg.type === "data" ? s.msg.seq : 0))).toEqual([2]);
  });

  it("drops a message once every node reported it delivered, and ignores a late copy", () => {
    const h = harness("reliable", 1, 3);
    h.node.onMessage(0, data(0, 1, "a"));
    h.node.onMessage(0, data(0, 2, "b"));
    expect(h.node.heldCount).toBe(2);
    h.node.onMessage(0, { type: "progress", incarnation: 0, prefix: [2] });
    h.node.onTimer("progress");
    expect(h.node.heldCount, "n2 has not reported").toBe(2);
    h.node.onMessage(2, { type: "progress", incarnation: 0, prefix: [1] });
    h.node.onTimer("progress");
    expect(h.node.heldCount, "0.1 is stable, 0.2 is not").toBe(1);
    expect(h.node.queuedCount, "0.1 no longer queued for n2").toBe(1);
    h.node.onMessage(2, data(0, 1, "a"));
    expect(h.events.filter((e) => e.type === "deliver")).toHaveLength(2);
  });
});
