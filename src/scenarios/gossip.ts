import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import { AntiEntropyNode } from "../gossip/anti-entropy.js";
import { GOSSIP_DEFAULTS, type GossipConfig } from "../gossip/config.js";
import {
  type AntiEntropyMessage,
  type RumorMessage,
  validateAntiEntropy,
  validateRumor,
} from "../gossip/messages.js";
import type { GossipReplica } from "../gossip/replica.js";
import { RumorNode } from "../gossip/rumor.js";
import type { MapValue } from "../gossip/versioned-map.js";
import type { RunView, Scenario } from "../sim/scenario.js";

/** How the scenario nodes write: each node every `everyMs` (jittered) until its clock reads `untilMs`. */
export const SCENARIO_WRITES = {
  everyMs: 1_500,
  untilMs: 10_000,
  keys: 6,
  deleteShare: 0.2,
} as const;

/** One scripted write: a random key, a fresh value, or (a fifth of the time) a delete. */
function scriptedWrite<M>(node: GossipReplica<M>, env: Env<M>, seq: number): void {
  const key = `k${Math.floor(env.random() * SCENARIO_WRITES.keys)}`;
  if (env.random() < SCENARIO_WRITES.deleteShare) node.delete(key);
  else node.put(key, `n${env.self}.${seq}`);
}

function nextWriteMs(env: Env<unknown>): number {
  return SCENARIO_WRITES.everyMs * (0.5 + env.random());
}

/** An anti-entropy node that also writes on a script, for the scenario. */
export class ScriptedAntiEntropyNode extends AntiEntropyNode {
  #seq = 0;

  override start(env: Env<AntiEntropyMessage>, recovered: boolean): void {
    super.start(env, recovered);
    env.setTimer(nextWriteMs(env as Env<unknown>), "write");
  }

  override onTimer(tag: string): void {
    if (tag !== "write") {
      super.onTimer(tag);
      return;
    }
    if (this.env.now() >= SCENARIO_WRITES.untilMs) return;
    scriptedWrite(this, this.env, this.#seq++);
    this.env.setTimer(nextWriteMs(this.env as Env<unknown>), "write");
  }
}

/** A rumor-mongering node that also writes on a script, for the scenario. */
export class ScriptedRumorNode extends RumorNode {
  #seq = 0;

  override start(env: Env<RumorMessage>, recovered: boolean): void {
    super.start(env, recovered);
    env.setTimer(nextWriteMs(env as Env<unknown>), "write");
  }

  override onTimer(tag: string): void {
    if (tag !== "write") {
      super.onTimer(tag);
      return;
    }
    if (this.env.now() >= SCENARIO_WRITES.untilMs) return;
    scriptedWrite(this, this.env, this.#seq++);
    this.env.setTimer(nextWriteMs(this.env as Env<unknown>), "write");
  }
}

/** The values ever written per key (from `gossipWrote` events). */
function writtenValues(run: RunView): Map<string, Set<MapValue>> {
  const out = new Map<string, Set<MapValue>>();
  for (const { event } of run.events) {
    if (event.type !== "gossipWrote" || event.deleted === true) continue;
    const key = String(event.key);
    const set = out.get(key) ?? new Set<MapValue>();
    set.add(event.value as MapValue);
    out.set(key, set);
  }
  return out;
}

/**
 * How long the cluster must have been left alone (no fault active, no node
 * coming back) before the end of a run for convergence and termination to be
 * judged: 30 cycles of 100 ms.
 */
export const SETTLE_MS = 3_000;

/** The last moment anything changed in the run: a fault injected or healed, a node going down or up. */
export function lastChangeMs(run: Pick<RunView, "faults" | "lifecycle">): number {
  let last = 0;
  for (const f of run.faults) last = Math.max(last, f.at, f.healAt ?? f.at);
  for (const e of run.lifecycle) last = Math.max(last, e.t);
  return last;
}

/** Whether the run ended at least `SETTLE_MS` after its last change. */
export function settled(run: RunView): boolean {
  return run.endMs - lastChangeMs(run) >= SETTLE_MS;
}

/** Up nodes and their contents at the end of the run. */
function upContents(run: RunView): { id: NodeId; node: GossipReplica<unknown>; text: string }[] {
  const out: { id: NodeId; node: GossipReplica<unknown>; text: string }[] = [];
  for (let id = 0; id < run.nodeCount; id++) {
    const node = run.node(id) as unknown as GossipReplica<unknown> | undefined;
    if (node === undefined || run.status(id) !== "up") continue;
    out.push({ id, node, text: JSON.stringify(node.contents()) });
  }
  return out;
}

/** No creation: every live value a node holds was written by some node for that key. */
function creationViolations(run: RunView): string[] {
  const written = writtenValues(run);
  const out: string[] = [];
  for (const { id, node } of upContents(run)) {
    for (const [key, value] of node.contents()) {
      if (!written.get(key)?.has(value)) {
        out.push(
          `t=${run.endMs}ms n${id} holds ${key}=${JSON.stringify(value)}, which no node wrote`,
        );
      }
    }
  }
  return out;
}

/** Convergence: every up node holds the same contents at the end. */
function convergenceViolations(run: RunView, what: string): string[] {
  const nodes = upContents(run);
  const first = nodes[0];
  if (first === undefined) return [];
  return nodes
    .filter((n) => n.text !== first.text)
    .map(
      (n) => `t=${run.endMs}ms n${n.id} ${what}: holds ${n.text}, n${first.id} holds ${first.text}`,
    );
}

const ANTI_ENTROPY_CONFIG: GossipConfig = { ...GOSSIP_DEFAULTS, mode: "pushpull" };
const RUMOR_CONFIG: GossipConfig = { ...GOSSIP_DEFAULTS, mode: "pushpull", k: 4 };

/**
 * `gossip-anti-entropy`: every node writes and deletes random keys for 10 s
 * while the nemesis crashes nodes (which restart empty), partitions, drops,
 * delays and duplicates messages; fails unless no node holds a value nobody
 * wrote and — when the run ends at least `SETTLE_MS` after its last fault or
 * restart — every up node holds identical contents.
 */
export const gossipAntiEntropyScenario: Scenario<AntiEntropyMessage, string> = {
  name: "gossip-anti-entropy",
  summary:
    "push-pull anti-entropy by digest with death certificates under crash, partition, loss, delay, duplication: every up node converges to the same contents, nothing invented",
  defaults: {
    nodes: 8,
    durationMs: 20_000,
    nemesis: { verbs: ["crash", "partition", "loss", "delay", "duplicate"], ratePerSec: 0.5 },
  },
  nodesMin: 2,
  nodesMax: 500,
  create: () => new ScriptedAntiEntropyNode(ANTI_ENTROPY_CONFIG),
  validate: validateAntiEntropy,
  check: (run) => [
    ...creationViolations(run),
    ...(settled(run) ? convergenceViolations(run, "did not converge after the faults healed") : []),
  ],
};

/**
 * `gossip-rumor`: push-pull rumor mongering (feedback, counter k = 4) with the
 * same writes and nemesis; fails unless no node holds a value nobody wrote,
 * every up node has lost interest in every rumor by the end when the run
 * settled (`SETTLE_MS` after its last change: the epidemic terminates), and —
 * in a run without faults — every node learned every surviving write (zero
 * residue).
 */
export const gossipRumorScenario: Scenario<RumorMessage, string> = {
  name: "gossip-rumor",
  summary:
    "push-pull rumor mongering (feedback, counter, k = 4): the epidemic terminates, nothing invented, zero residue without faults",
  defaults: {
    nodes: 8,
    durationMs: 20_000,
    nemesis: { verbs: ["crash", "partition", "loss", "delay", "duplicate"], ratePerSec: 0.5 },
  },
  nodesMin: 2,
  nodesMax: 500,
  create: () => new ScriptedRumorNode(RUMOR_CONFIG),
  validate: validateRumor,
  check: (run) => {
    const out = creationViolations(run);
    if (!settled(run)) return out;
    for (let id = 0; id < run.nodeCount; id++) {
      const node = run.node(id) as unknown as RumorNode | undefined;
      const hot = run.status(id) === "up" ? (node?.hotRumors() ?? []) : [];
      if (hot.length > 0) out.push(`t=${run.endMs}ms n${id} still spreads ${hot.join(", ")}`);
    }
    if (run.faults.length === 0)
      out.push(...convergenceViolations(run, "missed a rumor (residue)"));
    return out;
  },
};
