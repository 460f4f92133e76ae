import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, PACKAGE_ROOT } from "./launcher.js";
import { freeBasePort } from "./testing/ports.js";
import { codec, FRAME_KIND, WIRE_VERSION } from "./wire.js";

/**
 * A node under hostile input: a garbage frame, an oversized frame, a frame
 * that fails the protocol's validate, and a connection that never says hello.
 * Each must close only the connection that carried it, be logged with what was
 * wrong, from which peer and why, and leave the node serving its real peers.
 */
const PROBE = join(PACKAGE_ROOT, "dist", "net", "testing", "probe.js");

let cluster: Cluster;
let dataDir: string;
let basePort: number;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "cohort-bad-"));
  basePort = await freeBasePort(2);
  cluster = await Cluster.launch({
    nodes: 2,
    basePort,
    protocolModule: PROBE,
    config: { pingEveryMs: 20, silentAfterMs: 2_000 },
    dataDir,
    statusMs: 50,
    extraArgs: ["--frame-bytes-max", "4096"],
  });
});

afterAll(async () => {
  await cluster?.stop(1_000);
  rmSync(dataDir, { recursive: true, force: true });
});

function frame(kind: number, body: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(1 + body.length, 0);
  out[4] = kind;
  out.set(body, 5);
  return out;
}

const HELLO = frame(
  FRAME_KIND.hello,
  codec.pack({ v: WIRE_VERSION, from: 1, protocol: "probe", nodes: 2 }),
);

/** Connects to n0, writes `bytes`, and resolves when n0 closes the connection. */
function sendAndAwaitClose(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: "127.0.0.1", port: basePort }, () =>
      socket.write(bytes),
    );
    socket.on("error", () => {});
    socket.on("data", () => {});
    socket.on("close", () => resolve());
    setTimeout(() => reject(new Error("n0 did not close the bad connection")), 20_000).unref();
  });
}

/** n0's delivered count in its latest status line. */
function delivered(): number {
  const last = cluster.lines.findLast((l) => l.kind === "status" && l.node === 0);
  return last?.kind === "status" ? last.delivered : 0;
}

async function expectStillServing(): Promise<void> {
  const before = delivered();
  const from = cluster.lines.length;
  await cluster.waitFor(
    (l) => l.kind === "status" && l.node === 0 && l.delivered > before + 5,
    20_000,
    from,
  );
  expect(cluster.pid(0)).toBeDefined();
  expect(cluster.lines.some((l) => l.kind === "event" && l.event.type === "silent")).toBe(false);
}

describe("bad frames close only their connection", () => {
  it("setup: the two nodes hear each other", async () => {
    await cluster.waitFor(
      (l) => l.kind === "event" && l.node === 0 && l.event.type === "heard",
      20_000,
    );
  });

  it("garbage (undecodable msgpack) after a valid hello", async () => {
    await sendAndAwaitClose(
      Buffer.concat([HELLO, frame(FRAME_KIND.msg, Buffer.from([0x93, 0x01]))]),
    );
    const log = await cluster.waitForLog(0, /"reason":"decode"/, 20_000);
    expect(JSON.parse(log)).toMatchObject({
      level: 40,
      msg: "frame rejected; connection closed",
      peer: "n1",
      why: expect.stringMatching(/^undecodable msgpack: /),
    });
    await expectStillServing();
  });

  it("an oversized frame, refused from its header", async () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1 << 30);
    await sendAndAwaitClose(Buffer.concat([HELLO, header, Buffer.alloc(100)]));
    const log = await cluster.waitForLog(0, /"reason":"oversized"/, 20_000);
    expect(JSON.parse(log).why).toMatch(
      /^frame of 1073741824 bytes at stream byte \d+ exceeds frameBytesMax 4096$/,
    );
    await expectStillServing();
  });

  it("a message that fails the protocol's validate", async () => {
    const bad = frame(FRAME_KIND.msg, codec.pack({ type: "ping", seq: -1 }));
    await sendAndAwaitClose(Buffer.concat([HELLO, bad]));
    const log = await cluster.waitForLog(0, /"reason":"validate"/, 20_000);
    expect(JSON.parse(log).why).toBe(
      "message failed validation: seq: expected a non-negative integer, got -1",
    );
    await expectStillServing();
  });

  it("a batch with one bad message delivers none of it; a batch that is not an array is refused", async () => {
    const batch = frame(
      FRAME_KIND.batch,
      codec.pack([
        { type: "ping", seq: 1 },
        { type: "ping", seq: "x" },
      ]),
    );
    await sendAndAwaitClose(Buffer.concat([HELLO, batch]));
    const log = await cluster.waitForLog(0, /message 1 of 2 in a batch/, 20_000);
    expect(JSON.parse(log).why).toBe(
      'message 1 of 2 in a batch failed validation: seq: expected a non-negative integer, got "x"',
    );
    await sendAndAwaitClose(Buffer.concat([HELLO, frame(FRAME_KIND.batch, codec.pack({ a: 1 }))]));
    const envelope = await cluster.waitForLog(0, /"reason":"envelope"/, 20_000);
    expect(JSON.parse(envelope).why).toBe(
      "batch: expected an array of 1..65536 messages, got an object",
    );
    await expectStillServing();
  });

  it("a connection that starts without a hello, or a hello from outside the cluster", async () => {
    await sendAndAwaitClose(Buffer.from("GET / HTTP/1.0\r\n\r\n"));
    const hello9 = frame(
      FRAME_KIND.hello,
      codec.pack({ v: WIRE_VERSION, from: 9, protocol: "probe", nodes: 2 }),
    );
    await sendAndAwaitClose(hello9);
    const log = await cluster.waitForLog(
      0,
      /hello\.from: expected a node id in 0\.\.1, got 9/,
      20_000,
    );
    expect(JSON.parse(log)).toMatchObject({
      reason: "handshake",
      peer: expect.stringMatching(/^unidentified peer at /),
    });
    await cluster.waitForLog(
      0,
      /"reason":"oversized"[^\n]*1195725856 bytes at stream byte 0/,
      20_000,
    );
    const status = await cluster.waitFor(
      (l) => l.kind === "status" && l.node === 0 && (l.rejected.handshake ?? 0) >= 1,
      20_000,
    );
    expect(status.kind === "status" && status.rejected).toMatchObject({
      decode: 1,
      validate: 2,
      envelope: 1,
      handshake: 1,
    });
    await expectStillServing();
  });
});
