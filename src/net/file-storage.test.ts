import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32c } from "@node-rs/crc32";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileStorage } from "./file-storage.js";
import { LOG_MAGIC, RECORD_HEADER_BYTES } from "./record-log.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cohort-storage-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const logPath = (): string => join(dir, "storage.log");

describe("CRC32C", () => {
  it("matches the published check values (RFC 3720 B.4 and the standard check)", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
  });
});

describe("FileStorage", () => {
  it("keeps synced writes across reopening and loses unsynced ones", () => {
    const a = new FileStorage(dir);
    expect(a.existed).toBe(false);
    a.put("term", 3);
    a.put("log", [{ t: 1, cmd: "x" }]);
    a.sync();
    a.put("term", 4);
    a.delete("log");
    expect(a.get("term")).toBe(4);
    expect(a.get("log")).toBeUndefined();
    a.close();
    const b = new FileStorage(dir);
    expect(b.existed).toBe(true);
    expect(b.get("term")).toBe(3);
    expect(b.get("log")).toEqual([{ t: 1, cmd: "x" }]);
    expect(b.recovery).toEqual({ recordsRecovered: 2, recordsTruncated: 0 });
    b.close();
  });

  it("copies on write and lists keys by prefix in order", () => {
    const s = new FileStorage(dir);
    const value = { n: [1, 2] };
    s.put("b/2", value);
    s.put("b/1", 1);
    s.put("a", 0);
    value.n.push(3);
    expect(s.get("b/2")).toEqual({ n: [1, 2] });
    expect(s.keys("b/")).toEqual(["b/1", "b/2"]);
    expect(s.keys()).toEqual(["a", "b/1", "b/2"]);
    s.close();
  });

  it("cuts a torn tail (file truncated mid-record) and reports where", () => {
    const s = new FileStorage(dir);
    for (let i = 0; i < 5; i++) {
      s.put(`k${i}`, "v".repeat(20));
      s.sync();
    }
    s.close();
    const size = readFileSync(logPath()).length;
    truncateSync(logPath(), size - 7);
    const r = new FileStorage(dir);
    expect(r.recovery.recordsRecovered).toBe(4);
    expect(r.recovery.recordsTruncated).toBe(1);
    const recordBytes = (size - LOG_MAGIC.length) / 5;
    const offset = LOG_MAGIC.length + 4 * recordBytes;
    expect(r.recovery.reason).toBe(
      `torn record at byte ${offset}: ${recordBytes - RECORD_HEADER_BYTES - 7} of ${recordBytes - RECORD_HEADER_BYTES} payload bytes`,
    );
    expect(r.keys()).toEqual(["k0", "k1", "k2", "k3"]);
    expect(readFileSync(logPath()).length).toBe(offset);
    // What comes after the cut appends cleanly and survives the next reopening.
    r.put("k9", 9);
    r.sync();
    r.close();
    const again = new FileStorage(dir);
    expect(again.recovery).toEqual({ recordsRecovered: 5, recordsTruncated: 0 });
    expect(again.get("k9")).toBe(9);
    again.close();
  });

  it("cuts at a flipped byte (crc mismatch) and everything after it", () => {
    const s = new FileStorage(dir);
    for (let i = 0; i < 4; i++) s.put(`k${i}`, i);
    s.sync();
    s.close();
    const bytes = readFileSync(logPath());
    const recordBytes = (bytes.length - LOG_MAGIC.length) / 4;
    const second = LOG_MAGIC.length + recordBytes;
    const at = second + RECORD_HEADER_BYTES + 2;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x40, at);
    writeFileSync(logPath(), bytes);
    const r = new FileStorage(dir);
    expect(r.recovery.recordsRecovered).toBe(1);
    expect(r.recovery.recordsTruncated).toBe(3);
    expect(r.recovery.reason).toMatch(
      new RegExp(`^crc mismatch at byte ${second}: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}$`),
    );
    expect(r.keys()).toEqual(["k0"]);
    r.close();
  });

  it("treats a corrupt length as corruption, not as a huge allocation", () => {
    const s = new FileStorage(dir);
    s.put("a", 1);
    s.sync();
    s.close();
    const bytes = readFileSync(logPath());
    bytes.writeUInt32LE(0xfffffff0, LOG_MAGIC.length);
    writeFileSync(logPath(), bytes);
    const r = new FileStorage(dir);
    expect(r.recovery.reason).toBe(
      `corrupt record at byte ${LOG_MAGIC.length}: length 4294967280 exceeds 67108864`,
    );
    expect(r.keys()).toEqual([]);
    r.close();
  });

  it("compacts when garbage dominates, keeping exactly the live keys", () => {
    const s = new FileStorage(dir, { compactBytesMin: 4096 });
    for (let i = 0; i < 500; i++) {
      s.put("hot", i);
      s.put(`cold${i % 3}`, "x".repeat(10));
      if (i % 10 === 9) s.sync();
    }
    s.delete("cold2");
    s.sync();
    expect(s.sizeBytes).toBeLessThan(4096);
    s.close();
    const r = new FileStorage(dir);
    expect(r.get("hot")).toBe(499);
    expect(r.recovery.recordsRecovered).toBeLessThan(10);
    expect(r.keys()).toEqual(["cold0", "cold1", "hot"]);
    expect(r.recovery.recordsTruncated).toBe(0);
    r.close();
  });

  it("property: after any puts, deletes and syncs, a reopened store holds exactly the state at the last sync", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("put" as const),
        key: fc.constantFrom("a", "b", "c", "d"),
        value: fc.integer(),
      }),
      fc.record({ kind: fc.constant("delete" as const), key: fc.constantFrom("a", "b", "c", "d") }),
      fc.record({ kind: fc.constant("sync" as const) }),
    );
    let run = 0;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const sub = join(dir, `run${run++}`);
        const store = new FileStorage(sub, { compactBytesMin: 256 });
        const live = new Map<string, number>();
        let synced = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === "put") {
            store.put(o.key, o.value);
            live.set(o.key, o.value);
          } else if (o.kind === "delete") {
            store.delete(o.key);
            live.delete(o.key);
          } else {
            store.sync();
            synced = new Map(live);
          }
        }
        store.close(); // a crash: the unsynced tail is lost
        const reopened = new FileStorage(sub);
        const state = new Map(reopened.keys().map((k) => [k, reopened.get(k) as number]));
        reopened.close();
        expect(state).toEqual(synced);
      }),
      { numRuns: 100 },
    );
  });
});
