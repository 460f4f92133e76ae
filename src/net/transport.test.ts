import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SILENT_LOGGER } from "../core/observe.js";
import { DEFAULT_LIMITS, type NetLimits } from "./limits.js";
import { freeBasePort } from "./testing/ports.js";
import { TcpTransport } from "./transport.js";

/**
 * The transport in one process, two instances on loopback: batching, bounded
 * queues that drop with a counted reason, the send-side frame limit, and
 * reconnection with backoff when a peer comes up late.
 */
const open: TcpTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

function transport(
  self: number,
  basePort: number,
  received: unknown[],
  limits: Partial<NetLimits> = {},
): TcpTransport {
  const t = new TcpTransport({
    self,
    addresses: [0, 1].map((i) => ({ host: "127.0.0.1", port: basePort + i })),
    protocol: "test",
    validate: (msg) =>
      typeof msg === "object" && msg !== null ? undefined : "message: expected an object",
    deliver: (_from, msg) => received.push(msg),
    limits: { ...DEFAULT_LIMITS, reconnectMsMin: 10, reconnectMsMax: 40, ...limits },
    log: SILENT_LOGGER,
    random: Math.random,
  });
  open.push(t);
  return t;
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("TcpTransport", () => {
  it("delivers a burst in order, many messages per socket write", async () => {
    const port = await freeBasePort(2);
    const got: unknown[] = [];
    const a = transport(0, port, []);
    const b = transport(1, port, got);
    await a.listen();
    await b.listen();
    a.connect();
    b.connect();
    await until(() => a.connectedPeers().length === 1);
    for (let i = 0; i < 10_000; i++) a.send(1, { n: i });
    await until(() => got.length === 10_000);
    expect(got.map((m) => (m as { n: number }).n)).toEqual(
      Array.from({ length: 10_000 }, (_, i) => i),
    );
    expect(a.stats.sent).toBe(10_000);
    expect(b.stats.delivered).toBe(10_000);
    // All 10,000 were sent in one turn of the event loop: they leave in a handful of writes.
    expect(a.stats.writes).toBeGreaterThanOrEqual(1);
    expect(a.stats.writes).toBeLessThanOrEqual(5);
  });

  it("queues for a peer that is not up yet, drops past sendQueueMax with a counted reason, and reconnects", async () => {
    const port = await freeBasePort(2);
    const got: unknown[] = [];
    const a = transport(0, port, [], { sendQueueMax: 100 });
    await a.listen();
    a.connect();
    for (let i = 0; i < 150; i++) a.send(1, { n: i });
    expect(a.stats.dropped).toEqual({ queueFull: 50 });
    // Let a few dials be refused, so the link is in backoff when the peer appears.
    await new Promise((r) => setTimeout(r, 100));
    const b = transport(1, port, got);
    await b.listen();
    await until(() => got.length === 100);
    expect(got.at(-1)).toEqual({ n: 99 });
    expect(a.stats.connects).toBe(1);
    // Closing with messages still queued for a peer that is down counts them as dropped.
    await b.close();
    await until(() => a.connectedPeers().length === 0);
    for (let i = 0; i < 3; i++) a.send(1, { late: i });
    await a.close();
    expect(a.stats.dropped).toEqual({ queueFull: 50, closed: 3 });
  });

  it("drops a message larger than frameBytesMax at the sender, counted as tooLarge", async () => {
    const port = await freeBasePort(2);
    const got: unknown[] = [];
    const a = transport(0, port, [], { frameBytesMax: 64 });
    const b = transport(1, port, got);
    await a.listen();
    await b.listen();
    a.connect();
    a.send(1, { big: "x".repeat(100) });
    a.send(1, { small: 1 });
    a.send(7, { nobody: true });
    await until(() => got.length === 1);
    expect(got).toEqual([{ small: 1 }]);
    expect(a.stats.dropped).toEqual({ tooLarge: 1, unknownPeer: 1 });
  });

  it("refuses inbound connections past inboundConnectionsMax, counted, and keeps the first", async () => {
    const port = await freeBasePort(2);
    const got: unknown[] = [];
    const a = transport(0, port, []);
    const b = transport(1, port, got, { inboundConnectionsMax: 1 });
    await a.listen();
    await b.listen();
    a.connect();
    await until(() => a.connectedPeers().length === 1);
    const extra = connect({ host: "127.0.0.1", port: port + 1 });
    extra.on("error", () => {});
    await new Promise((resolve) => extra.on("close", resolve));
    expect(b.stats.rejected).toEqual({ tooManyConnections: 1 });
    a.send(1, { still: "served" });
    await until(() => got.length === 1);
  });
});
