import type { NodeId } from "../../core/index.js";
import { FencedRegister } from "../fence.js";
import type { Reign } from "./split-brain.js";

/** What a fenced resource made of every leader's writes during a run. */
export interface FencingReplay {
  /** Writes issued by all reigns. */
  readonly issued: number;
  readonly admitted: number;
  /** Writes from a leader whose epoch a newer admitted write had superseded: an unfenced resource would have taken them. */
  readonly rejected: number;
  /** Every admitted write, in order: its epoch never decreases. */
  readonly history: readonly {
    readonly epoch: number;
    readonly value: { node: NodeId; atMs: number };
  }[];
}

/**
 * Replays a run's reigns against one fenced register reachable by every node:
 * each reigning node writes every `everyMs` from the start of its reign until
 * it ends, stamped with its epoch, and writes reach the register in virtual
 * time order (ties: lower node first). Shows, from the omniscient view, what
 * fencing does with a split brain's writes.
 */
export function replayFencing(reigns: readonly Reign[], everyMs: number): FencingReplay {
  const writes: { atMs: number; node: NodeId; epoch: number }[] = [];
  for (const r of reigns) {
    for (let t = r.fromMs; t < r.toMs; t += everyMs)
      writes.push({ atMs: t, node: r.node, epoch: r.epoch });
  }
  writes.sort((a, b) => a.atMs - b.atMs || a.node - b.node);
  const register = new FencedRegister<{ node: NodeId; atMs: number }>();
  for (const w of writes) register.write(w.epoch, { node: w.node, atMs: w.atMs });
  const { admitted, rejected } = register.counts();
  return { issued: writes.length, admitted, rejected, history: register.history() };
}
