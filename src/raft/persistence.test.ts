import { describe, expect, it } from "vitest";
import type { Env } from "../core/env.js";
import { RAFT_DEFAULTS } from "./config.js";
import { RaftLog } from "./log.js";
import type { RaftMessage } from "./messages.js";
import { MemoryStorage } from "./testing/memory-storage.js";
import { TestNet } from "./testing/net.js";

describe("persistence: only synced state survives a crash", () => {
  it("a follower that acknowledged entries still holds them after a crash", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    net.campaign(1);
    net.stabilize();
    net.inject(99, 1, {
      type: "kv",
      msgId: 1,
      clientId: 99,
      seq: 1,
      op: { op: "put", key: "k", value: "v" },
    });
    net.stabilize();
    for (const id of [1, 2, 3]) {
      net.crash(id);
      net.restart(id);
    }
    expect(net.views().map((v) => v.log.length)).toEqual([2, 2, 2]);
    expect(net.views().map((v) => v.term)).toEqual([1, 1, 1]);
    // The restarted cluster elects a leader again and re-applies the committed write.
    for (let t = 0; t < 40 && net.leader() === undefined; t++) {
      for (const id of net.ids) net.tick(id);
      net.stabilize();
    }
    const leader = net.leader();
    expect(leader).toBeDefined();
    for (const id of net.ids) net.tick(id);
    net.stabilize();
    for (const id of net.ids) expect(net.raft(id)?.kvEntries()).toEqual([["k", "v"]]);
  });

  it("the harness refuses a message sent before the sender synced what it wrote", () => {
    const net = new TestNet({ ids: [1] });
    net.startAll();
    let env: Env<RaftMessage, string> | undefined;
    net.addClient(50, () => ({
      start(e) {
        env = e;
      },
      onMessage() {},
      onTimer() {},
    }));
    env?.storage.put("x", 1);
    expect(() => env?.send(1, { type: "heartbeatOk", term: 0, readSeq: 0, sentAt: 0 })).toThrow(
      /unsynced storage/,
    );
  });

  it("a torn tail (a gap, then entries) is cut on load and the cut is made durable", () => {
    const storage = new MemoryStorage();
    const log = new RaftLog(storage);
    log.saveHardState(3, 2);
    for (let i = 1; i <= 4; i++) log.append({ term: 1, index: i, data: null });
    log.sync();
    storage.delete("raft/log/000000000002");
    storage.sync();
    const reloaded = new RaftLog(storage);
    expect(reloaded.load()).toEqual({ term: 3, vote: 2, entriesDropped: 2 });
    expect(reloaded.lastIndex()).toBe(1);
    expect(reloaded.dirty).toBe(true);
    reloaded.sync();
    expect(storage.keys("raft/log/")).toEqual(["raft/log/000000000001"]);
  });

  it("a crash loses writes that were never synced", () => {
    const storage = new MemoryStorage();
    const log = new RaftLog(storage);
    log.saveHardState(1, null);
    log.append({ term: 1, index: 1, data: null });
    log.sync();
    log.append({ term: 1, index: 2, data: null });
    log.saveHardState(2, 1);
    storage.crash();
    const reloaded = new RaftLog(storage);
    expect(reloaded.load()).toEqual({ term: 1, vote: null, entriesDropped: 0 });
    expect(reloaded.lastIndex()).toBe(1);
  });

  it("the node syncs before it sends: every vote and acknowledgement follows a sync", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: RAFT_DEFAULTS });
    net.startAll();
    const before = net.storageOf(2).syncCount;
    net.campaign(1);
    net.stabilize();
    // n2 persisted the new term and vote (pre-vote changes nothing), then the appended no-op.
    expect(net.storageOf(2).syncCount).toBeGreaterThan(before);
    expect(net.storageOf(2).unsynced()).toBe(false);
  });
});
