import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, PACKAGE_ROOT } from "./launcher.js";
import { haveOpenssl, makeCerts } from "./testing/certs.js";
import { freeBasePort } from "./testing/ports.js";
import { codec, FRAME_KIND, WIRE_VERSION } from "./wire.js";

/**
 * Mutual TLS between node processes: a cluster with certificates from one CA
 * talks; a plain-TCP client, a certificate from another CA, and a valid
 * certificate whose CN differs from the id its hello claims are all refused
 * with a logged reason, and the node keeps serving its peers.
 */
const PROBE = join(PACKAGE_ROOT, "dist", "net", "testing", "probe.js");
const OPENSSL = haveOpenssl();
if (!OPENSSL)
  process.stderr.write("tls.test.ts: skipped: no `openssl` command to make test certificates\n");

let cluster: Cluster;
let dir: string;
let basePort: number;

beforeAll(async () => {
  if (!OPENSSL) return;
  dir = mkdtempSync(join(tmpdir(), "cohort-tls-"));
  mkdirSync(join(dir, "certs"));
  mkdirSync(join(dir, "rogue"));
  makeCerts(join(dir, "certs"), ["n0", "n1", "n2"]);
  makeCerts(join(dir, "rogue"), ["n1"], "rogue-ca");
  basePort = await freeBasePort(3);
  cluster = await Cluster.launch({
    nodes: 3,
    basePort,
    protocolModule: PROBE,
    config: { pingEveryMs: 20, silentAfterMs: 2_000 },
    dataDir: join(dir, "data"),
    tlsDir: join(dir, "certs"),
    statusMs: 50,
  });
});

afterAll(async () => {
  if (!OPENSSL) return;
  await cluster?.stop(1_000);
  rmSync(dir, { recursive: true, force: true });
});

function hello(from: number): Buffer {
  const body = codec.pack({ v: WIRE_VERSION, from, protocol: "probe", nodes: 3 });
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(1 + body.length, 0);
  out[4] = FRAME_KIND.hello;
  out.set(body, 5);
  return out;
}

/** Dials n0 with TLS using `certDir/name.*`, sends `bytes`, resolves when the connection ends. */
function tlsAttempt(certDir: string, name: string, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const read = (f: string): Buffer => readFileSync(join(certDir, f));
    const socket: TLSSocket = tlsConnect(
      {
        host: "127.0.0.1",
        port: basePort,
        ca: read("ca.pem"),
        cert: read(`${name}.pem`),
        key: read(`${name}.key`),
        rejectUnauthorized: false,
      },
      () => socket.write(bytes),
    );
    socket.on("error", () => {});
    socket.on("data", () => {});
    socket.on("close", () => resolve());
  });
}

async function expectStillServing(): Promise<void> {
  const from = cluster.lines.length;
  await cluster.waitFor(
    (l) => l.kind === "status" && l.node === 0 && l.connected.length === 2,
    20_000,
    from,
  );
  expect(cluster.lines.some((l) => l.kind === "event" && l.event.type === "silent")).toBe(false);
}

describe.skipIf(!OPENSSL)("mutual TLS", () => {
  it("nodes with certificates from the cluster CA talk", async () => {
    for (const node of [0, 1, 2]) {
      await cluster.waitFor(
        (l) => l.kind === "event" && l.node === node && l.event.type === "heard",
        20_000,
      );
    }
  });

  it("refuses a plain-TCP client", async () => {
    await new Promise<void>((resolve) => {
      const s = netConnect({ host: "127.0.0.1", port: basePort }, () => s.write(hello(1)));
      s.on("error", () => {});
      s.on("close", () => resolve());
    });
    const log = await cluster.waitForLog(0, /"reason":"tls"/, 20_000);
    expect(JSON.parse(log).msg).toBe("tls handshake refused; connection closed");
    await expectStillServing();
  });

  it("refuses a certificate from another CA", async () => {
    const before = cluster.logs(0).filter((l) => l.includes('"reason":"tls"')).length;
    await tlsAttempt(join(dir, "rogue"), "n1", hello(1));
    await expect
      .poll(() => cluster.logs(0).filter((l) => l.includes('"reason":"tls"')).length, {
        timeout: 20_000,
      })
      .toBeGreaterThan(before);
    await expectStillServing();
  });

  it("refuses a valid certificate whose CN is not the id the hello claims", async () => {
    await tlsAttempt(join(dir, "certs"), "n2", hello(1));
    const log = await cluster.waitForLog(0, /certificate names/, 20_000);
    expect(JSON.parse(log)).toMatchObject({
      reason: "handshake",
      why: "hello names n1 but its certificate names n2",
    });
    await expectStillServing();
  });

  it("a dialler refuses a peer whose certificate names another node", async () => {
    // n1 is given n2's certificate: n0 dialling n1 must refuse it, and n0's listener
    // must refuse n1's hello, whose id its certificate does not name.
    const swapped = join(dir, "swapped");
    mkdirSync(swapped);
    for (const [from, to] of [
      ["ca.pem", "ca.pem"],
      ["n0.pem", "n0.pem"],
      ["n0.key", "n0.key"],
      ["n2.pem", "n1.pem"],
      ["n2.key", "n1.key"],
    ] as const) {
      copyFileSync(join(dir, "certs", from), join(swapped, to));
    }
    const pair = await Cluster.launch({
      nodes: 2,
      basePort: await freeBasePort(2),
      protocolModule: PROBE,
      dataDir: join(dir, "data-swapped"),
      tlsDir: swapped,
      statusMs: 50,
    });
    try {
      const warn = await pair.waitForLog(0, /expected a certificate for n1, got CN n2/, 20_000);
      expect(JSON.parse(warn)).toMatchObject({
        level: 40,
        msg: "link error; will redial",
        peer: 1,
      });
      await pair.waitForLog(0, /hello names n1 but its certificate names n2/, 20_000);
      expect(pair.lines.some((l) => l.kind === "event" && l.event.type === "heard")).toBe(false);
    } finally {
      await pair.stop(1_000);
    }
  });
});
