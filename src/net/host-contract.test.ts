import type { NodeId } from "../core/ids.js";
import { Simulation } from "../sim/index.js";
import { type HostEvent, type HostHarness, hostContract } from "./testing/host-contract.js";
import { NetHarness } from "./testing/net-harness.js";
import { type ProbeConfig, type ProbeMsg, protocol } from "./testing/probe.js";

/**
 * One contract, two hosts: the same probe protocol object passes the same
 * checks in the deterministic simulator (virtual time) and as real processes
 * on loopback (real time, SIGKILL for a crash).
 */
class SimHarness implements HostHarness {
  private sim: Simulation<ProbeMsg, "tick"> | undefined;

  async launch(nodes: number, config: Partial<ProbeConfig>): Promise<void> {
    const merged: ProbeConfig = { ...protocol.defaults, ...config };
    this.sim = new Simulation<ProbeMsg, "tick">({
      seed: 1,
      nodeCount: nodes,
      create: (id) => protocol.create(id, merged),
      validate: (msg) => protocol.validate(msg),
    });
    this.sim.run(0);
  }

  events(): readonly HostEvent[] {
    return (this.sim?.events() ?? []).map((e) => ({ node: e.node, event: e.event }));
  }

  async runUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const sim = this.sim;
    if (sim === undefined) throw new Error("launch first");
    const endMs = sim.now + timeoutMs;
    while (!done()) {
      if (sim.now >= endMs)
        throw new Error(`timed out after ${timeoutMs} virtual ms waiting for ${what}`);
      sim.run(sim.now + 5);
    }
  }

  async restart(node: NodeId): Promise<void> {
    this.sim?.restart({ node, downMs: 100 });
  }

  async close(): Promise<void> {}
}

hostContract("sim (virtual time)", () => new SimHarness(), 10_000);
hostContract("net (processes on loopback)", () => new NetHarness(), 20_000);
