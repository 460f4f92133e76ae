import type { NodeId } from "../core/index.js";
import type { TracedEvent } from "./properties.js";

/** What `judgeSnapshots` needs beside the trace. */
export interface SnapshotJudgement {
  readonly nodeCount: number;
  readonly initialBalance: number;
  /** Report snapshots some node never finished (true when nothing could still be in flight). */
  readonly requireComplete: boolean;
}

interface Transfer {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly ch: number;
  readonly amount: number;
  readonly sentAt: number;
  receivedAt?: number;
}

interface Done {
  readonly balance: number;
  readonly channels: ReadonlyMap<NodeId, readonly number[]>;
}

/** What the judge found, beside the violations: how many snapshots were complete and checked. */
export interface SnapshotVerdict {
  readonly violations: string[];
  readonly complete: number;
  readonly started: number;
}

/**
 * Judges every Chandy–Lamport snapshot of a bank run from the trace alone
 * (`sent`, `received`, `recorded`, `snapshotDone` events), each position in
 * the trace being a moment of its node's history:
 *
 * - conservation: recorded balances plus recorded channel contents add up to
 *   `nodeCount × initialBalance`, exactly;
 * - consistent cut: no transfer is received before its receiver's recording
 *   point yet sent after its sender's;
 * - faithful records: each recorded balance is what the trace says the account
 *   held at that point, and each recorded channel holds exactly the transfers
 *   sent before the sender's point and received after the receiver's, in order;
 * - completeness (when `requireComplete`): every node finished every snapshot.
 */
export function judgeSnapshots(
  events: readonly TracedEvent[],
  judge: SnapshotJudgement,
): SnapshotVerdict {
  const out: string[] = [];
  const transfers = new Map<string, Transfer>();
  const cuts = new Map<number, Map<NodeId, { at: number; t: number; balance: number }>>();
  const done = new Map<number, Map<NodeId, Done>>();
  const key = (from: unknown, to: unknown, ch: unknown) => `${from}>${to}#${ch}`;
  events.forEach(({ t, node, event }, at) => {
    switch (event.type) {
      case "sent":
        transfers.set(key(event.from, event.to, event.ch), {
          from: Number(event.from),
          to: Number(event.to),
          ch: Number(event.ch),
          amount: Number(event.amount),
          sentAt: at,
        });
        return;
      case "received": {
        const tr = transfers.get(key(event.from, event.to, event.ch));
        if (tr === undefined || tr.amount !== event.amount) {
          out.push(
            `t=${t}ms n${node} received transfer ${key(event.from, event.to, event.ch)} that was never sent so`,
          );
        } else if (tr.receivedAt !== undefined) {
          out.push(
            `t=${t}ms n${node} received transfer ${key(event.from, event.to, event.ch)} twice`,
          );
        } else tr.receivedAt = at;
        return;
      }
      case "recorded": {
        const snap = Number(event.snap);
        const m = cuts.get(snap) ?? cuts.set(snap, new Map()).get(snap)!;
        if (m.has(node)) out.push(`t=${t}ms n${node} recorded snapshot ${snap} twice`);
        else m.set(node, { at, t, balance: Number(event.balance) });
        return;
      }
      case "snapshotDone": {
        const snap = Number(event.snap);
        const m = done.get(snap) ?? done.set(snap, new Map()).get(snap)!;
        const list = event.channels as readonly { from: NodeId; amounts: readonly number[] }[];
        m.set(node, {
          balance: Number(event.balance),
          channels: new Map(list.map((c) => [c.from, c.amounts])),
        });
        return;
      }
      default:
        return;
    }
  });

  let complete = 0;
  const all = [...transfers.values()];
  for (const [snap, cut] of [...cuts].sort((a, b) => a[0] - b[0])) {
    const finished = done.get(snap) ?? new Map<NodeId, Done>();
    if (cut.size < judge.nodeCount || finished.size < judge.nodeCount) {
      if (judge.requireComplete) {
        out.push(
          `snapshot ${snap} incomplete: ${finished.size} of ${judge.nodeCount} nodes finished it`,
        );
      }
      continue;
    }
    complete++;
    let total = 0;
    const before = (n: NodeId, at: number) => at < cut.get(n)!.at;
    const expected = new Map<string, number[]>();
    const balance = new Map<NodeId, number>();
    for (let n = 0; n < judge.nodeCount; n++) balance.set(n, judge.initialBalance);
    for (const tr of all) {
      const sentBefore = before(tr.from, tr.sentAt);
      const recvBefore = tr.receivedAt !== undefined && before(tr.to, tr.receivedAt);
      if (sentBefore) balance.set(tr.from, balance.get(tr.from)! - tr.amount);
      if (recvBefore) balance.set(tr.to, balance.get(tr.to)! + tr.amount);
      if (recvBefore && !sentBefore) {
        out.push(
          `snapshot ${snap}: transfer ${key(tr.from, tr.to, tr.ch)} received before n${tr.to}'s cut but sent after n${tr.from}'s (inconsistent cut)`,
        );
      }
      if (sentBefore && !recvBefore) {
        const k = `${tr.from}>${tr.to}`;
        (expected.get(k) ?? expected.set(k, []).get(k)!).push(tr.amount);
      }
    }
    for (const [n, d] of finished) {
      total += d.balance;
      const point = cut.get(n)!;
      if (d.balance !== point.balance || d.balance !== balance.get(n)) {
        out.push(
          `snapshot ${snap}: n${n} recorded balance ${d.balance}, the trace says ${balance.get(n)} at t=${point.t}ms`,
        );
      }
      for (let p = 0; p < judge.nodeCount; p++) {
        if (p === n) continue;
        const got = d.channels.get(p) ?? [];
        const want = expected.get(`${p}>${n}`) ?? [];
        for (const a of got) total += a;
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          out.push(
            `snapshot ${snap}: channel n${p}→n${n} recorded [${got.join(", ")}], in flight across the cut were [${want.join(", ")}]`,
          );
        }
      }
    }
    const invariant = judge.nodeCount * judge.initialBalance;
    if (total !== invariant)
      out.push(`snapshot ${snap}: recorded total ${total}, the bank holds ${invariant}`);
  }
  return { violations: out, complete, started: cuts.size };
}
