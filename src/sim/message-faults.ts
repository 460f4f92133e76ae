import type { NodeId } from "../core/index.js";
import type { FaultSpec } from "./types.js";

type NodeFault = Extract<
  FaultSpec,
  { verb: "loss" | "duplicate" | "corrupt" | "replay" | "delay" | "buffer" }
>;
type PartitionFault = Extract<FaultSpec, { verb: "partition" }>;
type LinkFault = Extract<FaultSpec, { verb: "link" }>;

/** For one partition: the groups each node belongs to (unlisted nodes share one extra group). */
type CompiledPartition = readonly (readonly number[])[];

function compilePartition(spec: PartitionFault, nodeCount: number): CompiledPartition {
  const groupsOf: number[][] = Array.from({ length: nodeCount }, () => []);
  spec.groups.forEach((group, g) => {
    for (const node of group) if (!groupsOf[node]!.includes(g)) groupsOf[node]!.push(g);
  });
  const rest = spec.groups.length;
  for (const groups of groupsOf) if (groups.length === 0) groups.push(rest);
  return groupsOf;
}

function shareGroup(a: readonly number[], b: readonly number[]): boolean {
  for (const g of a) if (b.includes(g)) return true;
  return false;
}

/**
 * The nemesis faults that act on messages in flight, folded into per-node
 * arrays so the send path reads a few numbers instead of walking a fault list.
 * `any` is false when none is active: the send path then skips all of this.
 */
export class MessageFaults {
  readonly lossProbability: Float64Array;
  readonly duplicateProbability: Float64Array;
  readonly corruptProbability: Float64Array;
  readonly replayProbability: Float64Array;
  readonly extraLatencyMs: Float64Array;
  /** Effective receive-buffer capacity per node (base, lowered by `buffer` faults). */
  readonly capacity: Int32Array;
  any = false;

  private readonly nodeFaults = new Map<number, NodeFault>();
  private readonly partitions = new Map<number, CompiledPartition>();
  private readonly linkFaults = new Map<number, LinkFault>();
  /** Cut links: key from * nodeCount + to → how many active faults cut it. */
  private readonly cuts = new Map<number, number>();

  constructor(
    private readonly nodeCount: number,
    private readonly baseCapacity: number,
  ) {
    this.lossProbability = new Float64Array(nodeCount);
    this.duplicateProbability = new Float64Array(nodeCount);
    this.corruptProbability = new Float64Array(nodeCount);
    this.replayProbability = new Float64Array(nodeCount);
    this.extraLatencyMs = new Float64Array(nodeCount);
    this.capacity = new Int32Array(nodeCount).fill(baseCapacity);
  }

  /** Activates a message fault; returns false when `spec` is not one. */
  add(id: number, spec: FaultSpec): boolean {
    switch (spec.verb) {
      case "loss":
      case "duplicate":
      case "corrupt":
      case "replay":
      case "delay":
      case "buffer":
        this.nodeFaults.set(id, spec);
        this.recompute();
        return true;
      case "partition":
        this.partitions.set(id, compilePartition(spec, this.nodeCount));
        this.updateAny();
        return true;
      case "link":
        this.linkFaults.set(id, spec);
        this.cut(spec.from, spec.to, 1);
        if (spec.twoWay === true) this.cut(spec.to, spec.from, 1);
        this.updateAny();
        return true;
      default:
        return false;
    }
  }

  /** Deactivates fault `id` if it is one of these. */
  remove(id: number): void {
    if (this.nodeFaults.delete(id)) this.recompute();
    this.partitions.delete(id);
    const link = this.linkFaults.get(id);
    if (link !== undefined) {
      this.linkFaults.delete(id);
      this.cut(link.from, link.to, -1);
      if (link.twoWay === true) this.cut(link.to, link.from, -1);
    }
    this.updateAny();
  }

  /** Why a message `from → to` cannot pass now, or undefined when it can. */
  blocked(from: NodeId, to: NodeId): "partition" | "link" | undefined {
    if (this.cuts.size > 0 && this.cuts.has(from * this.nodeCount + to)) return "link";
    for (const groupsOf of this.partitions.values()) {
      if (!shareGroup(groupsOf[from]!, groupsOf[to]!)) return "partition";
    }
    return undefined;
  }

  private cut(from: NodeId, to: NodeId, by: number): void {
    const key = from * this.nodeCount + to;
    const count = (this.cuts.get(key) ?? 0) + by;
    if (count > 0) this.cuts.set(key, count);
    else this.cuts.delete(key);
  }

  private updateAny(): void {
    this.any = this.nodeFaults.size > 0 || this.partitions.size > 0 || this.cuts.size > 0;
  }

  private recompute(): void {
    this.lossProbability.fill(0);
    this.duplicateProbability.fill(0);
    this.corruptProbability.fill(0);
    this.replayProbability.fill(0);
    this.extraLatencyMs.fill(0);
    this.capacity.fill(this.baseCapacity);
    for (const spec of this.nodeFaults.values()) this.apply(spec);
    this.updateAny();
  }

  private apply(spec: NodeFault): void {
    const nodes = spec.nodes ?? null;
    const count = nodes === null ? this.nodeCount : nodes.length;
    for (let i = 0; i < count; i++) {
      const node = nodes === null ? i : nodes[i]!;
      switch (spec.verb) {
        case "loss":
          this.lossProbability[node] = Math.max(this.lossProbability[node]!, spec.probability);
          break;
        case "duplicate":
          this.duplicateProbability[node] = Math.max(
            this.duplicateProbability[node]!,
            spec.probability,
          );
          break;
        case "corrupt":
          this.corruptProbability[node] = Math.max(
            this.corruptProbability[node]!,
            spec.probability,
          );
          break;
        case "replay":
          this.replayProbability[node] = Math.max(this.replayProbability[node]!, spec.probability);
          break;
        case "delay":
          this.extraLatencyMs[node] = this.extraLatencyMs[node]! + spec.extraLatencyMs;
          break;
        case "buffer":
          this.capacity[node] = Math.min(this.capacity[node]!, spec.capacity);
          break;
      }
    }
  }
}
