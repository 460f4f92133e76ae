import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Cluster } from "./launcher.js";
import type { NodeLine } from "./lines.js";
import { freeBasePort } from "./testing/ports.js";

/**
 * Issue 2, item 7, the real-process half: the heartbeat membership protocol
 * from src/detect, unchanged, as three OS processes on loopback. A process
 * killed with SIGKILL is suspected by the others; one stopped with SIGSTOP is
 * suspected, and trusted again after SIGCONT.
 */
const CONFIG = { intervalMs: 20, deadlineMs: 200 };

let cluster: Cluster | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await cluster?.stop(1_000);
  cluster = undefined;
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

async function launch(): Promise<Cluster> {
  dataDir = mkdtempSync(join(tmpdir(), "cohort-hb-"));
  cluster = await Cluster.launch({
    nodes: 3,
    basePort: await freeBasePort(3),
    protocol: "heartbeat",
    config: CONFIG,
    dataDir,
    statusMs: 100,
  });
  // Let every node hear every peer before faults start.
  await cluster.waitFor((l) => l.kind === "status" && l.node === 2 && l.delivered >= 10, 5_000);
  return cluster;
}

const peerEvent =
  (node: number, type: string, peer: number) =>
  (l: NodeLine): boolean =>
    l.kind === "event" && l.node === node && l.event.type === type && l.event.peer === peer;

describe("heartbeat on real processes", () => {
  it("a process killed with SIGKILL is suspected by every other node", async () => {
    const c = await launch();
    const from = c.lines.length;
    c.signal(2, "SIGKILL");
    const killedAt = performance.now();
    for (const node of [0, 1])
      await c.waitFor(peerEvent(node, "suspect", 2), 5_000, from, `n${node} suspects n2`);
    const detectionMs = performance.now() - killedAt;
    expect(detectionMs).toBeGreaterThanOrEqual(CONFIG.deadlineMs - CONFIG.intervalMs);
    expect(
      c.lines
        .slice(from)
        .some((l) => l.kind === "event" && l.event.type === "suspect" && l.event.peer !== 2),
    ).toBe(false);
  });

  it("a process stopped with SIGSTOP is suspected, then trusted again after SIGCONT", async () => {
    const c = await launch();
    const from = c.lines.length;
    c.signal(1, "SIGSTOP");
    for (const node of [0, 2])
      await c.waitFor(peerEvent(node, "suspect", 1), 5_000, from, `n${node} suspects n1`);
    const resumedFrom = c.lines.length;
    c.signal(1, "SIGCONT");
    for (const node of [0, 2]) {
      await c.waitFor(peerEvent(node, "trust", 1), 5_000, resumedFrom, `n${node} trusts n1 again`);
    }
    // The paused node's own timers ran late; it may suspect and trust its peers too, but nobody else is suspected.
    expect(
      c.lines
        .slice(from)
        .some(
          (l) =>
            l.kind === "event" && l.node !== 1 && l.event.type === "suspect" && l.event.peer !== 1,
        ),
    ).toBe(false);
  });
});
