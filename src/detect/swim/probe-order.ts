import type { NodeId } from "../../core/index.js";

/**
 * SWIM's randomized round-robin target selection (§4.3): members are probed in
 * the order of a random permutation; when the list is exhausted it is shuffled
 * again, and a new member is inserted at a random position. So every member is
 * probed once per pass, and a given prober reaches a given member within
 * 2·(n−1)−1 periods at worst.
 */
export class ProbeOrder {
  private order: NodeId[] = [];
  private index = 0;

  constructor(private readonly random: () => number) {}

  /** Adds `id` at a random position of the pass (no-op if present). */
  add(id: NodeId): void {
    if (this.order.includes(id)) return;
    const at = Math.floor(this.random() * (this.order.length + 1));
    this.order.splice(at, 0, id);
    if (at < this.index) this.index += 1;
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
