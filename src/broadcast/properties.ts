import type { NodeId, ProtocolEvent } from "../core/index.js";

/** One event a node emitted, at virtual time `t` (the simulator's `EmittedEvent` fits). */
export interface TracedEvent {
  readonly t: number;
  readonly node: NodeId;
  readonly event: ProtocolEvent;
}

/** The ordering property a variant promises beyond reliable delivery. */
export type BroadcastOrdering = "none" | "fifo" | "causal" | "total";

/** What to judge. */
export interface BroadcastJudgement {
  readonly ordering: BroadcastOrdering;
  /**
   * Nodes that never crashed: validity and agreement are about them. Integrity
   * (no duplication, no creation) and ordering are judged for every node.
   */
  readonly correct: readonly NodeId[];
  /**
   * Judge the liveness properties (validity, agreement) as of the end of the
   * trace: true only when the run ended long enough after its last fault for
   * every message to have spread.
   */
  readonly liveness: boolean;
  /**
   * Judge the ordering property among correct nodes only (non-uniform order).
   * Default false: among every node, a crashed node's deliveries before its crash included.
   */
  readonly orderAmongCorrectOnly?: boolean;
  /**
   * Nodes that crashed, restarted and stayed up (crash-recovery): agreement is
   * also judged for them — each delivers every message a correct node delivered.
   */
  readonly rejoined?: readonly NodeId[];
}

interface Broadcast {
  readonly t: number;
  readonly origin: NodeId;
  readonly body: unknown;
  /** Position among its origin's broadcasts, from 0. */
  readonly index: number;
  /** Ids of every broadcast that happened before this one (transitively). */
  readonly past: ReadonlySet<string>;
}

/**
 * Judges a run of a broadcast protocol from its `broadcast` and `deliver`
 * events (`{type, id, origin, body}`) by the defining properties:
 *
 * - no creation: a delivered message was broadcast earlier, by its origin, with that body;
 * - no duplication: no node delivers a message twice;
 * - validity (liveness): every correct node delivers what it broadcast;
 * - agreement (liveness): a message one correct node delivered, every correct
 *   node delivered (and every `rejoined` node);
 * - FIFO: a node delivers a message only after every earlier broadcast of its origin;
 * - causal: a node delivers a message only after every broadcast that happened
 *   before it, happened-before built from the trace alone (same-origin order,
 *   deliver-then-broadcast at a node, transitively), not from the protocol's clocks;
 * - total: any two nodes deliver the messages both delivered in the same order.
 *
 * Returns one sentence per violation, naming the time, node and message; empty when all held.
 */
export function judgeBroadcast(
  events: readonly TracedEvent[],
  judge: BroadcastJudgement,
): string[] {
  const out: string[] = [];
  const sent = new Map<string, Broadcast>();
  const sentBy = new Map<NodeId, string[]>();
  /** Per node: the ids in its causal past (broadcast or delivered, with their pasts). */
  const past = new Map<NodeId, Set<string>>();
  /** Per node: delivered ids in delivery order. */
  const order = new Map<NodeId, string[]>();
  const deliveredAt = new Map<NodeId, Set<string>>();
  const pastOf = (n: NodeId) => past.get(n) ?? past.set(n, new Set()).get(n)!;
  const doneOf = (n: NodeId) => deliveredAt.get(n) ?? deliveredAt.set(n, new Set()).get(n)!;

  for (const { t, node, event } of events) {
    if (event.type !== "broadcast" && event.type !== "deliver") continue;
    const id = String(event.id);
    const where = `t=${t}ms n${node}`;
    if (event.type === "broadcast") {
      if (sent.has(id)) {
        out.push(`${where} broadcast id ${id} a second time`);
        continue;
      }
      const mine = sentBy.get(node) ?? sentBy.set(node, []).get(node)!;
      const p = pastOf(node);
      sent.set(id, { t, origin: node, body: event.body, index: mine.length, past: new Set(p) });
      mine.push(id);
      p.add(id);
      continue;
    }
    const b = sent.get(id);
    if (b === undefined || b.origin !== event.origin || b.body !== event.body) {
      out.push(
        `${where} delivered ${id} from n${String(event.origin)} (${JSON.stringify(event.body)}), which ${
          b === undefined
            ? "nobody broadcast before"
            : `n${b.origin} broadcast as ${JSON.stringify(b.body)}`
        } (no creation)`,
      );
      continue;
    }
    const done = doneOf(node);
    if (done.has(id)) {
      out.push(`${where} delivered ${id} a second time (no duplication)`);
      continue;
    }
    const judgedOrder = judge.orderAmongCorrectOnly !== true || judge.correct.includes(node);
    if (judge.ordering === "fifo" && judgedOrder) {
      const earlier = (sentBy.get(b.origin) ?? []).slice(0, b.index).filter((e) => !done.has(e));
      if (earlier.length > 0) {
        out.push(
          `${where} delivered ${id} before ${earlier.join(", ")}, broadcast earlier by n${b.origin} (FIFO order)`,
        );
      }
    }
    if (judge.ordering === "causal" && judgedOrder) {
      const missing = [...b.past].filter((e) => !done.has(e)).sort();
      if (missing.length > 0) {
        out.push(
          `${where} delivered ${id} before ${missing.join(", ")}, which happened before it (causal order)`,
        );
      }
    }
    done.add(id);
    if (judgedOrder) (order.get(node) ?? order.set(node, []).get(node)!).push(id);
    const p = pastOf(node);
    p.add(id);
    for (const e of b.past) p.add(e);
  }

  if (judge.ordering === "total") out.push(...totalOrderViolations(order));
  if (judge.liveness) {
    out.push(...livenessViolations(sent, deliveredAt, judge.correct, judge.rejoined ?? []));
  }
  return out;
}

/** Pairs of nodes that delivered two common messages in opposite orders. */
function totalOrderViolations(order: ReadonlyMap<NodeId, readonly string[]>): string[] {
  const out: string[] = [];
  const nodes = [...order.keys()].sort((a, b) => a - b);
  for (let i = 0; i < nodes.length; i++) {
    const p = nodes[i]!;
    const pos = new Map(order.get(p)!.map((id, k) => [id, k]));
    for (let j = i + 1; j < nodes.length; j++) {
      const q = nodes[j]!;
      let last: string | undefined;
      for (const id of order.get(q)!) {
        const k = pos.get(id);
        if (k === undefined) continue;
        if (last !== undefined && pos.get(last)! > k) {
          out.push(`n${p} delivered ${id} before ${last}, n${q} after it (total order)`);
          break;
        }
        last = id;
      }
    }
  }
  return out;
}

function livenessViolations(
  sent: ReadonlyMap<string, Broadcast>,
  deliveredAt: ReadonlyMap<NodeId, ReadonlySet<string>>,
  correct: readonly NodeId[],
  rejoined: readonly NodeId[],
): string[] {
  const out: string[] = [];
  const correctSet = new Set(correct);
  const judged = [...correct, ...rejoined.filter((n) => !correctSet.has(n))];
  const reached = new Set<string>();
  for (const n of correct) for (const id of deliveredAt.get(n) ?? []) reached.add(id);
  for (const [id, b] of sent) {
    if (correctSet.has(b.origin) && !deliveredAt.get(b.origin)?.has(id)) {
      out.push(`n${b.origin} broadcast ${id} at t=${b.t}ms and never delivered it (validity)`);
    }
  }
  for (const id of [...reached].sort()) {
    const missing = judged.filter((n) => !deliveredAt.get(n)?.has(id));
    if (missing.length > 0) {
      out.push(
        `${id} was delivered by a correct node but never by ${missing.map((n) => `n${n}`).join(", ")} (agreement)`,
      );
    }
  }
  return out;
}
