import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Env, ProtocolNode } from "../../core/index.js";
import { type PingMsg, validatePing } from "../pingpong.js";
import { Simulation } from "../simulation.js";

/** Memory figures of the simulator, from heap deltas after full garbage collections. */
export interface MemorySample {
  /** Bytes per idle node (runtime overhead plus a trivial protocol object), at `nodeCount` nodes. */
  readonly bytesPerNode: number;
  /** Bytes per message in flight (queue slot plus the message object itself). */
  readonly bytesPerInFlightMessage: number;
  /** Heap (plus array buffers) held by the idle cluster of `nodeCount` nodes. */
  readonly clusterBytes: number;
  readonly nodeCount: number;
  readonly inFlightMessages: number;
}

/** A node that does nothing: the smallest protocol the simulator can host. */
class IdleNode implements ProtocolNode<PingMsg> {
  start(): void {}
  onMessage(): void {}
  onTimer(): void {}
}

/** A node that sends `count` pings at start, each to arrive far in the future. */
class FloodNode implements ProtocolNode<PingMsg> {
  constructor(private readonly count: number) {}
  start(env: Env<PingMsg>): void {
    for (let i = 0; i < this.count; i++)
      env.send((env.self + 1 + i) % env.cluster.length, { type: "ping", seq: i });
  }
  onMessage(): void {}
  onTimer(): void {}
}

let gcFunction: (() => void) | undefined;

/** A full GC, exposing `gc` at run time when node was started without --expose-gc. */
function collect(): void {
  if (gcFunction === undefined) {
    const global = globalThis as { gc?: () => void };
    if (typeof global.gc === "function") gcFunction = global.gc;
    else {
      setFlagsFromString("--expose-gc");
      gcFunction = runInNewContext("gc") as () => void;
    }
  }
  gcFunction();
  gcFunction();
}

function usedBytes(): number {
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function idleCluster(nodeCount: number): Simulation<PingMsg> {
  const sim = new Simulation<PingMsg>({
    seed: 1,
    nodeCount,
    create: () => new IdleNode(),
    validate: validatePing,
  });
  sim.run(0);
  return sim;
}

/** Measures bytes per idle node at `nodeCount` nodes and bytes per in-flight message at `inFlight` messages. */
export function measureMemory(nodeCount: number, inFlight: number): MemorySample {
  const base = usedBytes();
  let cluster: Simulation<PingMsg> | undefined = idleCluster(nodeCount);
  const clusterBytes = usedBytes() - base;
  if (cluster.nodeCount !== nodeCount) throw new Error("unreachable");
  cluster = undefined;

  const senders = 100;
  const perSender = Math.max(1, Math.ceil(inFlight / senders));
  const make = (count: number) =>
    new Simulation<PingMsg>({
      seed: 1,
      nodeCount: senders,
      create: () => new FloodNode(count),
      validate: validatePing,
      network: { latency: { kind: "constant", ms: 1e9 } },
      receiveBufferCapacity: 2 * perSender + 16,
    });
  const quietBase = usedBytes();
  let quiet: Simulation<PingMsg> | undefined = make(0);
  quiet.run(1);
  const quietBytes = usedBytes() - quietBase;
  quiet = undefined;
  const busyBase = usedBytes();
  let busy: Simulation<PingMsg> | undefined = make(perSender);
  busy.run(1);
  const messages = busy.inFlight;
  const busyBytes = usedBytes() - busyBase;
  busy = undefined;
  return {
    bytesPerNode: clusterBytes / nodeCount,
    bytesPerInFlightMessage: (busyBytes - quietBytes) / messages,
    clusterBytes,
    nodeCount,
    inFlightMessages: messages,
  };
}
