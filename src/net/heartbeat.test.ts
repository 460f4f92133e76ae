import { describe, expect, it } from "vitest";
import type { NodeLine } from "./lines.js";
import { peerEvent, useRealCluster } from "./testing/real-cluster.js";

/**
 * Issue 2, item 7, the real-process half: the heartbeat membership protocol
 * from src/detect, unchanged, as three OS processes on loopback. A process
 * killed with SIGKILL is suspected by the others; one stopped with SIGSTOP is
 * suspected, and trusted again after SIGCONT.
 */
const CONFIG = { intervalMs: 50, deadlineMs: 600 };

const launch = useRealCluster({
  nodes: 3,
  protocol: "heartbeat",
  config: CONFIG,
  warmDelivered: 10,
});

/** The peers `node` suspects according to its suspect/trust events so far. */
function suspectsOf(lines: readonly NodeLine[], node: number): number[] {
  const suspects = new Set<number>();
  for (const l of lines) {
    if (l.kind !== "event" || l.node !== node || typeof l.event.peer !== "number") continue;
    if (l.event.type === "suspect") suspects.add(l.event.peer);
    if (l.event.type === "trust") suspects.delete(l.event.peer);
  }
  return [...suspects].sort((a, b) => a - b);
}

describe("heartbeat on real processes", () => {
  it("a process killed with SIGKILL is suspected by every other node", async () => {
    const c = await launch();
    const from = c.lines.length;
    c.signal(2, "SIGKILL");
    for (const node of [0, 1]) {
      await c.waitFor(peerEvent(node, "suspect", 2), 20_000, from, `n${node} suspects n2`);
    }
    // Accuracy, eventually: the live nodes end up suspecting exactly the dead one.
    // (A node starved of CPU may briefly suspect a live peer; it must take that back.)
    for (const node of [0, 1]) {
      await expect.poll(() => suspectsOf(c.lines, node), { timeout: 20_000 }).toEqual([2]);
    }
  });

  it("a process stopped with SIGSTOP is suspected, then trusted again after SIGCONT", async () => {
    const c = await launch();
    const from = c.lines.length;
    c.signal(1, "SIGSTOP");
    for (const node of [0, 2]) {
      await c.waitFor(peerEvent(node, "suspect", 1), 20_000, from, `n${node} suspects n1`);
    }
    const resumedFrom = c.lines.length;
    c.signal(1, "SIGCONT");
    for (const node of [0, 2]) {
      await c.waitFor(peerEvent(node, "trust", 1), 20_000, resumedFrom, `n${node} trusts n1 again`);
    }
    // The paused node's own timers ran late, so it may suspect its peers for a moment too;
    // in the end every node trusts every other.
    for (const node of [0, 1, 2]) {
      await expect.poll(() => suspectsOf(c.lines, node), { timeout: 20_000 }).toEqual([]);
    }
  });
});
