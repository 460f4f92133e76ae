import { describe, expect, it } from "vitest";
import type { NodeLine } from "../../net/lines.js";
import { peerEvent, useRealCluster } from "../../net/testing/real-cluster.js";

/**
 * Issue 4's membership over real processes: SWIM with Lifeguard, unchanged,
 * as four OS processes on loopback. A member killed with SIGKILL turns suspect,
 * then dead, at every live member; one stopped with SIGSTOP is suspected and,
 * back in time, refutes (a higher incarnation) and stays alive.
 */
const CONFIG = { probeIntervalMs: 200, probeTimeoutMs: 80, syncIntervalMs: 2000, suspicionMult: 5 };

const launch = useRealCluster({ nodes: 4, protocol: "swim", config: CONFIG, warmDelivered: 20 });

/** `node`'s last suspect/dead/trust/join verdict on `peer` in the lines so far. */
function stateOf(lines: readonly NodeLine[], node: number, peer: number): string {
  let state = "alive";
  for (const l of lines) {
    if (l.kind !== "event" || l.node !== node || l.event.peer !== peer) continue;
    if (l.event.type === "suspect" || l.event.type === "dead") state = l.event.type;
    if (l.event.type === "trust" || l.event.type === "join") state = "alive";
  }
  return state;
}

describe("SWIM membership on real processes", () => {
  it("SIGKILL: the member turns suspect, then dead, in every live view", async () => {
    const c = await launch();
    const from = c.lines.length;
    c.signal(3, "SIGKILL");
    for (const node of [0, 1, 2]) {
      await c.waitFor(peerEvent(node, "dead", 3), 30_000, from, `n${node} declares n3 dead`);
    }
    for (const node of [0, 1, 2]) {
      const verdicts = c.lines
        .slice(from)
        .filter((l) => l.kind === "event" && l.node === node && l.event.peer === 3)
        .map((l) => (l.kind === "event" ? l.event.type : ""));
      expect(verdicts.indexOf("suspect")).toBeLessThan(verdicts.indexOf("dead"));
      expect(stateOf(c.lines, node, 3)).toBe("dead");
    }
  });

  it("SIGSTOP then SIGCONT in time: suspected, refutes, and stays alive", async () => {
    const c = await launch();
    const from = c.lines.length;
    c.signal(2, "SIGSTOP");
    await c.waitFor(peerEvent(0, "suspect", 2), 30_000, from, "n0 suspects n2");
    c.signal(2, "SIGCONT");
    for (const node of [0, 1, 3]) {
      await expect.poll(() => stateOf(c.lines, node, 2), { timeout: 20_000 }).toBe("alive");
    }
    const died = c.lines
      .slice(from)
      .some((l) => l.kind === "event" && l.event.type === "dead" && l.event.peer === 2);
    expect(died).toBe(false);
  });
});
