import { pack, unpack } from "msgpackr";
import { describe, expect, it } from "vitest";
import type { Env } from "../core/env.js";
import { type ProtocolEvent, SILENT_LOGGER } from "../core/observe.js";
import type { ProtocolNode } from "../core/protocol.js";
import { CLEAN_RECOVERY, type RecoveryReport, type StoredValue } from "../core/storage.js";
import { RAFT_KV_CONFIG, raftKvScenarioOf } from "../scenarios/raft-kv.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import {
  INTEGRITY_DROPPED_METRIC,
  IntegrityNode,
  messageChecksum,
  QUARANTINE_KEY,
  recoveryLostSyncedState,
  type Sealed,
  sealMessage,
  unwrapIntegrity,
} from "./integrity.js";
import type { RaftMessage } from "./messages.js";
import { raftWireProblem } from "./protocol.js";

/** A storage that only remembers puts and syncs, reporting `recovery`. */
function memoryStorage(recovery: RecoveryReport) {
  const data = new Map<string, StoredValue>();
  const log: string[] = [];
  return {
    recovery,
    log,
    get: (key: string) => data.get(key),
    put: (key: string, value: StoredValue) => {
      data.set(key, value);
      log.push(`put ${key}`);
    },
    delete: (key: string) => data.delete(key),
    keys: () => [...data.keys()].sort(),
    sync: () => log.push("sync"),
  };
}

const SAMPLES: RaftMessage[] = [
  {
    type: "appendEntries",
    term: 7,
    prevLogIndex: 40,
    prevLogTerm: 6,
    entries: [
      {
        term: 7,
        index: 41,
        data: { clientId: 12, seq: 3, op: { op: "put", key: "a", value: "5.3" } },
      },
      { term: 7, index: 42, data: null },
    ],
    leaderCommit: 40,
  },
  { type: "appendEntriesOk", term: 7, success: true, index: 42, conflictTerm: 0, conflictIndex: 0 },
  { type: "heartbeat", term: 7, commit: 40, readSeq: 3, sentAt: 1234.5 },
  { type: "requestVote", term: 8, lastLogIndex: 42, lastLogTerm: 7, transfer: false },
  { type: "kv", msgId: 9, clientId: 12, seq: 4, op: { op: "cas", key: "b", from: "1", to: "2" } },
  { type: "kvOk", inReplyTo: 9, result: { op: "get", value: "5.3" } },
];

/** Every way to flip `bits` bits of `bytes` is too many; this walks a deterministic sample. */
function* flips(length: number, bits: number, count: number): Generator<number[]> {
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % (length * 8);
  };
  for (let i = 0; i < count; i++) yield Array.from({ length: bits }, next);
}

/** Decodes `bytes` with `positions` flipped, as the simulator's `corrupt` does; undefined if it no longer decodes. */
function corrupted(bytes: Uint8Array, positions: number[]): unknown {
  const copy = Uint8Array.from(bytes);
  for (const bit of positions) copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  try {
    return unpack(copy);
  } catch {
    return undefined;
  }
}

describe("end-to-end message checksums", () => {
  it("a message and its decoded copy have the same checksum", () => {
    for (const msg of SAMPLES) {
      const sealed = sealMessage(msg);
      const copy = unpack(pack(sealed)) as Sealed<RaftMessage>;
      expect(messageChecksum(copy.body)).toBe(sealed.crc);
      expect(raftWireProblem(copy)).toBeUndefined();
    }
  });

  it("every 1-, 2- and 3-bit flip that still decodes and validates either changes nothing or fails the checksum", () => {
    let validButCaught = 0;
    let tried = 0;
    for (const msg of SAMPLES) {
      const sealed = sealMessage(msg);
      const bytes = new Uint8Array(pack(sealed));
      const single = Array.from({ length: bytes.length * 8 }, (_, bit) => [bit]);
      for (const positions of [
        ...single,
        ...flips(bytes.length, 2, 400),
        ...flips(bytes.length, 3, 400),
      ]) {
        tried++;
        const got = corrupted(bytes, positions);
        if (got === undefined || raftWireProblem(got) !== undefined) continue; // the host drops it
        const m = got as Sealed<RaftMessage>;
        if (JSON.stringify(m) === JSON.stringify(sealed)) continue; // the flip changed nothing
        expect(messageChecksum(m.body), `${msg.type} flipped at ${positions.join(",")}`).not.toBe(
          m.crc,
        );
        validButCaught++;
      }
    }
    // Validation alone lets many corrupted messages through: the checksum is what stops them.
    expect(tried).toBeGreaterThan(5000);
    expect(validButCaught).toBeGreaterThan(500);
  });

  it("the wrapper seals what its node sends and drops, counts and logs a message that fails its checksum", () => {
    const received: RaftMessage[] = [];
    const sent: unknown[] = [];
    const counters = new Map<string, number>();
    const debug: string[] = [];
    const inner: ProtocolNode<RaftMessage, string> = {
      start(env) {
        env.send(1, SAMPLES[2] as RaftMessage);
      },
      onMessage(_from, msg) {
        received.push(msg);
      },
      onTimer() {},
    };
    const env = {
      self: 0,
      cluster: [0, 1],
      now: () => 0,
      send: (_to: number, msg: unknown) => sent.push(msg),
      setTimer: () => 0,
      cancelTimer: () => {},
      random: () => 0.5,
      buggify: () => false,
      storage: memoryStorage(CLEAN_RECOVERY),
      emit: () => {},
      log: { ...SILENT_LOGGER, debug: (message: string) => debug.push(message) },
      metrics: {
        inc: (name: string, by = 1) => counters.set(name, (counters.get(name) ?? 0) + by),
        set: () => {},
        observe: () => {},
      },
    } as unknown as Env<Sealed<RaftMessage>, string>;
    const node = new IntegrityNode(inner);
    node.start(env, false);
    expect(sent).toEqual([sealMessage(SAMPLES[2])]);

    const good = sealMessage(SAMPLES[1] as RaftMessage);
    node.onMessage(1, good);
    const tampered = { crc: good.crc, body: { ...good.body, index: 43 } } as Sealed<RaftMessage>;
    node.onMessage(1, tampered);
    expect(received).toEqual([SAMPLES[1]]);
    expect(node.droppedCount).toBe(1);
    expect(counters.get(INTEGRITY_DROPPED_METRIC)).toBe(1);
    expect(debug).toEqual(["dropped a message whose checksum does not match"]);
    // An envelope sealed here and changed in memory afterwards is caught when asked to recheck.
    const changed = sealMessage({ ...(SAMPLES[1] as RaftMessage) }, true) as {
      body: { index: number };
    };
    changed.body.index = 44;
    const strict = new IntegrityNode(inner, { recheckInMemory: true });
    strict.start(env, false);
    strict.onMessage(1, changed as unknown as Sealed<RaftMessage>);
    expect(strict.droppedCount).toBe(1);
    expect(received).toEqual([SAMPLES[1]]);
    expect(unwrapIntegrity(node)).toBe(inner);
    expect(unwrapIntegrity(inner)).toBe(inner);
  });

  it("names the field of a malformed envelope", () => {
    expect(raftWireProblem({ crc: -1, body: SAMPLES[1] })).toBe(
      "crc: expected an unsigned 32-bit integer, got -1",
    );
    expect(raftWireProblem({ crc: 5, body: { type: "heartbeat", term: "x" } })).toBe(
      'body.term: expected a non-negative integer, got "x"',
    );
    expect(raftWireProblem(SAMPLES[1])).toBe(
      "crc: expected an unsigned 32-bit integer, got nothing",
    );
  });
});

describe("raft-kv under aggressive corruption", () => {
  // A third of all messages corrupted for the first 4 s, beside random
  // partitions, crashes and restarts.
  const run = (integrity: boolean, seed: number) =>
    executePlan(
      planRun(raftKvScenarioOf("raft-kv-corrupt", RAFT_KV_CONFIG, { integrity }), {
        seed,
        durationMs: 5000,
        nemesis: { verbs: ["partition", "crash", "restart"], ratePerSec: 1 },
        faults: [{ at: 0, fault: "corrupt", probability: 0.3, healAt: 4000 }],
      }),
    ).summary;

  it("with checksums: no invariant failure, linearizable, nothing acknowledged lost", () => {
    let corrupted = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const summary = run(true, seed);
      expect(summary.violations, summary.replay).toEqual([]);
      corrupted += summary.messages.corrupted;
    }
    expect(corrupted).toBeGreaterThan(3000);
  });

  it("without them (planted): the same faults break safety", () => {
    const found: string[] = [];
    for (let seed = 1; seed <= 10 && found.length === 0; seed++)
      found.push(...run(false, seed).violations);
    expect(found.join("\n")).toMatch(
      /state machine safety|linearizable: violation|acknowledgedLost/,
    );
  });
});

describe("raft-kv under disk corruption", () => {
  // Three servers: the disk nemesis damages a synced record, a restart
  // recovers up to it and loses everything after (votes, acknowledged entries).
  const run = (trustDamagedStorage: boolean, seed: number) =>
    executePlan(
      planRun(raftKvScenarioOf("raft-kv-disk", RAFT_KV_CONFIG, { trustDamagedStorage }), {
        seed,
        nodes: 6,
        durationMs: 5000,
        nemesis: { verbs: ["disk", "restart"], ratePerSec: 6 },
      }),
    ).summary;

  it("a server whose recovery cut synced records stays stopped: no invariant failure, linearizable", () => {
    let quarantined = 0;
    for (let seed = 0; seed < 20; seed++) {
      const summary = run(false, seed);
      expect(summary.violations, summary.replay).toEqual([]);
      quarantined += ((summary as unknown as Record<string, unknown>).quarantined as unknown[])
        .length;
    }
    expect(quarantined).toBeGreaterThan(10);
  });

  it("planted (it rejoins with what survived): election safety or linearizability breaks", () => {
    const found: string[] = [];
    for (let seed = 0; seed < 20 && found.length === 0; seed++)
      found.push(...run(true, seed).violations);
    expect(found.join("\n")).toMatch(
      /election safety|linearizable: violation|state machine safety/,
    );
  });

  it("the wrapper never starts a node on storage that lost synced state, and remembers it", () => {
    const started: boolean[] = [];
    const inner: ProtocolNode<RaftMessage, string> = {
      start: (_env, recovered) => started.push(recovered),
      onMessage: () => started.push(false),
      onTimer: () => {},
    };
    const boot = (storage: ReturnType<typeof memoryStorage>) => {
      const events: ProtocolEvent[] = [];
      const env = {
        storage,
        emit: (e: ProtocolEvent) => events.push(e),
        log: SILENT_LOGGER,
        send: () => {},
      } as unknown as Env<Sealed<RaftMessage>, string>;
      const node = new IntegrityNode(inner);
      node.start(env, true);
      node.onMessage(1, sealMessage(SAMPLES[1] as RaftMessage));
      return { node, events };
    };
    const torn = boot(
      memoryStorage({ recordsRecovered: 3, recordsTruncated: 1, reason: "torn record at index 3" }),
    );
    expect(torn.node.quarantined).toBeUndefined();
    expect(started).toEqual([true, false]);

    const storage = memoryStorage({
      recordsRecovered: 1,
      recordsTruncated: 5,
      reason: "corrupt record at index 1",
    });
    const damaged = boot(storage);
    expect(damaged.node.quarantined).toBe("recovery cut 5 records: corrupt record at index 1");
    expect(damaged.events).toEqual([{ type: "quarantined", reason: damaged.node.quarantined }]);
    expect(storage.log).toEqual([`put ${QUARANTINE_KEY}`, "sync"]);
    expect(unwrapIntegrity(damaged.node)).toBeUndefined();
    // Restarted later on the same storage, now reopened cleanly: still stopped.
    storage.recovery = CLEAN_RECOVERY;
    expect(boot(storage).node.quarantined).toBe(damaged.node.quarantined);
    expect(started).toEqual([true, false]); // the inner node never ran on the damaged storage
  });

  it("tells a torn tail (never synced) from a cut that may have taken synced state", () => {
    expect(recoveryLostSyncedState({ recordsRecovered: 4, recordsTruncated: 0 })).toBe(false);
    const torn = { recordsRecovered: 4, recordsTruncated: 1, reason: "torn record at index 4" };
    expect(recoveryLostSyncedState(torn)).toBe(false);
    const corrupt = {
      recordsRecovered: 2,
      recordsTruncated: 3,
      reason: "corrupt record at index 2",
    };
    expect(recoveryLostSyncedState(corrupt)).toBe(true);
    const crc = { recordsRecovered: 2, recordsTruncated: 1, reason: "crc mismatch at byte 96" };
    expect(recoveryLostSyncedState(crc)).toBe(true);
  });
});
