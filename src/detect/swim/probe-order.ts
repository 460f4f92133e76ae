import type { NodeId } from "../../core/index.js";

/**
 * SWIM's randomized round-robin target selection (§4.3): members are probed in
 * the order of a random permutation; when the list is exhausted it is shuffled
 * again, and a new member is inserted at a random position of the rest of
 * the pass. So every member is
 * probed once per pass, and a given prober reaches a given member within
 * 2·(n−1)−1 periods at worst.
 */
export class ProbeOrder {
  private readonly order: NodeId[] = [];
  private readonly known = new Set<NodeId>();
  private index = 0;

  constructor(private readonly random: () => number) {}

  /** Adds `id` at a random position among the members not yet probed in this pass (no-op if present). O(1). */
  add(id: NodeId): void {
    if (this.known.has(id)) return;
    this.known.add(id);
    this.order.push(id);
    const last = this.order.length - 1;
    const from = Math.min(this.index, last);
    const at = from + Math.floor(this.random() * (last - from + 1));
    this.order[last] = this.order[at]!;
    this.order[at] = id;
  }

  /** The next member for which `probeable` holds, or undefined when none does. */
  next(probeable: (id: NodeId) => boolean): NodeId | undefined {
    for (let tries = 0; tries <= this.order.length; tries++) {
      if (this.index >= this.order.length) this.reshuffle();
      const id = this.order[this.index];
      this.index += 1;
      if (id !== undefined && probeable(id)) return id;
    }
    return undefined;
  }

  private reshuffle(): void {
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const a = this.order[i]!;
      this.order[i] = this.order[j]!;
      this.order[j] = a;
    }
    this.index = 0;
  }
}
