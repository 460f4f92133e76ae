import type { NodeId } from "../core/index.js";

/**
 * Each node's view of time under the `clock` nemesis: local = baseLocal +
 * (virtual − baseVirtual) × rate, held monotonic (a backward jump holds the
 * clock until it catches up). Allocated only when a clock fault first strikes;
 * until then every node reads virtual time and the simulator skips this entirely.
 */
export class NodeClocks {
  private readonly baseVirtual: Float64Array;
  private readonly baseLocal: Float64Array;
  private readonly last: Float64Array;
  /** Local ms per virtual ms, per node (1 unless drifting). */
  readonly rate: Float64Array;

  constructor(nodeCount: number) {
    this.baseVirtual = new Float64Array(nodeCount);
    this.baseLocal = new Float64Array(nodeCount);
    this.last = new Float64Array(nodeCount);
    this.rate = new Float64Array(nodeCount).fill(1);
  }

  /** `node`'s local time at virtual time `virtualMs` (never less than what it returned before). */
  local(node: NodeId, virtualMs: number): number {
    let local = this.baseLocal[node]! + (virtualMs - this.baseVirtual[node]!) * this.rate[node]!;
    if (local < this.last[node]!) local = this.last[node]!;
    else this.last[node] = local;
    return local;
  }

  /** From now on, `node`'s clock reads `skewMs` more than it did and runs `driftPpm` fast. */
  skew(node: NodeId, virtualMs: number, skewMs: number, driftPpm: number): void {
    const local = this.local(node, virtualMs);
    this.baseVirtual[node] = virtualMs;
    this.baseLocal[node] = local + skewMs;
    this.rate[node] = 1 + driftPpm / 1e6;
  }

  /** `node`'s clock goes back to virtual time and rate 1 (held until virtual time catches up). */
  reset(node: NodeId, virtualMs: number): void {
    this.baseVirtual[node] = virtualMs;
    this.baseLocal[node] = virtualMs;
    this.rate[node] = 1;
  }
}
