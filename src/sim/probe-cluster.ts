import type { NodeId } from "../core/index.js";
import { emptyProbeLog, type PingMsg, type ProbeLog, ProbeNode, validatePing } from "./pingpong.js";
import { Simulation } from "./simulation.js";
import type { SimulationOptions } from "./types.js";

/** A cluster of `ProbeNode`s for tests, with one log per node that survives restarts. */
export interface ProbeCluster {
  readonly sim: Simulation<PingMsg>;
  readonly logs: readonly ProbeLog[];
  /** Makes `from` send `msg` to `to` now (as one of `from`'s handlers); false when `from` is down or paused. */
  send(from: NodeId, to: NodeId, msg: unknown): boolean;
  /** Runs `action` with `id`'s live probe node; false when it is down or paused. */
  withNode(id: NodeId, action: (node: ProbeNode) => void): boolean;
}

/**
 * Builds a probe cluster: 4 nodes, seed 1, constant 1 ms latency unless
 * `overrides` say otherwise.
 */
export function probeCluster(overrides: Partial<SimulationOptions<PingMsg>> = {}): ProbeCluster {
  const nodeCount = overrides.nodeCount ?? 4;
  const logs = Array.from({ length: nodeCount }, emptyProbeLog);
  const sim = new Simulation<PingMsg>({
    seed: 1,
    nodeCount,
    create: (id) => new ProbeNode(logs[id]!),
    validate: validatePing,
    network: { latency: { kind: "constant", ms: 1 } },
    ...overrides,
  });
  sim.run(0);
  const withNode = (id: NodeId, action: (node: ProbeNode) => void) =>
    sim.callNode(id, (node) => action(node as ProbeNode));
  return {
    sim,
    logs,
    withNode,
    send: (from, to, msg) => withNode(from, (node) => node.env.send(to, msg as PingMsg)),
  };
}
