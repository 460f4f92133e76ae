import type { ProtocolNode } from "../core/protocol.js";
import { GOSSIP_DEFAULTS } from "../gossip/config.js";
import { validateRumor } from "../gossip/messages.js";
import type { PaperRow } from "../gossip/paper.js";
import { RumorNode } from "../gossip/rumor.js";
import { Simulation } from "../sim/index.js";

/** What the rumor-mongering protocol nodes did in the simulator, beside a paper row. */
export interface NodeRumorRow {
  readonly k: number;
  readonly seeds: number;
  readonly residue: number;
  readonly traffic: number;
  /** Mean and last learning time, in cycles (periods) after the write. */
  readonly tAve: number;
  readonly tLast: number;
  readonly paper: PaperRow;
}

const PERIOD_MS = 100;
const INJECT_MS = 5;

/**
 * Runs feedback-counter-push `RumorNode`s (the protocol, not the round model)
 * on `n` simulated nodes with the simulator's default 1–5 ms links: one write
 * per run, `seeds` runs; times are in cycles of `periodMs` after the write.
 */
export function nodeRumorRow(paper: PaperRow, seeds: number, n = 1_000): NodeRumorRow {
  const config = { ...GOSSIP_DEFAULTS, periodMs: PERIOD_MS, mode: "push" as const, k: paper.k };
  let residue = 0;
  let traffic = 0;
  let tAve = 0;
  let tLast = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const sim = new Simulation<unknown>({
      seed,
      nodeCount: n,
      create: () => new RumorNode(config) as unknown as ProtocolNode<unknown>,
      validate: validateRumor,
    });
    const writer = seed % n;
    sim.at(INJECT_MS, () =>
      sim.callNode(writer, (node) => (node as unknown as RumorNode).put("r", seed)),
    );
    sim.run(INJECT_MS + 60 * PERIOD_MS);
    const learned = sim.events().filter((e) => e.event.type === "gossipLearned");
    const times = learned.map((e) => (e.t - INJECT_MS) / PERIOD_MS);
    residue += (n - 1 - learned.length) / n / seeds;
    tAve += times.reduce((a, b) => a + b, 0) / Math.max(1, times.length) / seeds;
    tLast += Math.max(0, ...times) / seeds;
    for (let id = 0; id < n; id++)
      traffic += (sim.node(id) as unknown as RumorNode).entriesSent / n / seeds;
  }
  return { k: paper.k, seeds, residue, traffic, tAve, tLast, paper };
}
