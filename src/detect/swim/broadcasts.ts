import type { NodeId } from "../../core/index.js";
import { assert } from "../../core/index.js";
import type { SwimUpdate } from "./messages.js";

interface Pending {
  update: SwimUpdate;
  transmits: number;
}

/**
 * The infection-style dissemination queue (SWIM §4.1): each update rides on
 * outgoing messages until it has been sent `limit` times, least-sent first. A
 * newer update about a member replaces the older one, so the queue holds at
 * most one update per member (bounded by the membership size).
 */
export class BroadcastQueue {
  private readonly pending = new Map<NodeId, Pending>();

  /** Queues `update`, replacing any queued update about the same member. */
  push(update: SwimUpdate): void {
    this.pending.set(update.member, { update, transmits: 0 });
  }

  /** How many updates are waiting. */
  get size(): number {
    return this.pending.size;
  }

  /** The queued update about `member`, if any. */
  about(member: NodeId): SwimUpdate | undefined {
    return this.pending.get(member)?.update;
  }

  /**
   * Takes up to `max` updates for one message, least-transmitted first (the
   * update about `first`, when queued, goes first: Lifeguard's buddy system),
   * counts the transmission, and drops updates sent `limit` times.
   */
  take(max: number, limit: number, first?: NodeId): SwimUpdate[] {
    assert(max >= 0 && limit >= 1, () => `broadcasts: bad take(${max}, ${limit})`);
    const chosen: Pending[] = [];
    const head = first === undefined ? undefined : this.pending.get(first);
    if (head !== undefined && max > 0) chosen.push(head);
    if (chosen.length < max) {
      const rest = [...this.pending.values()].filter((p) => p !== head);
      rest.sort((a, b) => a.transmits - b.transmits || a.update.member - b.update.member);
      for (const p of rest) {
        if (chosen.length >= max) break;
        chosen.push(p);
      }
    }
    const out: SwimUpdate[] = [];
    for (const p of chosen) {
      out.push(p.update);
      p.transmits += 1;
      if (p.transmits >= limit) this.pending.delete(p.update.member);
    }
    return out;
  }
}

/** SWIM's retransmit limit λ·⌈log10(n+1)⌉ (memberlist's form of the paper's λ·log n). */
export function retransmitLimit(retransmitMult: number, memberCount: number): number {
  return retransmitMult * Math.max(1, Math.ceil(Math.log10(memberCount + 1)));
}
