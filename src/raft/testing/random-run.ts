import type { History } from "../../check/history.js";
import { assert } from "../../core/assert.js";
import type { NodeId } from "../../core/ids.js";
import { RaftClient } from "../client.js";
import type { RaftConfig } from "../config.js";
import type { Membership, MembershipChange } from "../membership.js";
import { HistoryRecorder } from "../recorder.js";
import { checkKvHistory } from "./kv-history.js";
import { KV_WORKLOAD_KEYS, kvWorkload } from "./kv-workload.js";
import { type Envelope, TestNet } from "./net.js";
import { makePrng } from "./prng.js";

/** Knobs of one randomized run; every rate is a probability per millisecond of virtual time unless named otherwise. */
export interface RandomRunOptions {
  readonly seed: number;
  readonly nodes: number;
  /** How many of the nodes (the highest ids) are learners. */
  readonly learners?: number;
  /** How many of the nodes (the highest ids, after the learners) start outside the configuration, as spares. */
  readonly spares?: number;
  /** Per ms: an administrator asks the current leader for a membership change (add a learner, promote, remove). */
  readonly membershipRate?: number;
  /** Membership changes keep at least this many voters (default 3) and at most every node. */
  readonly votersMin?: number;
  readonly clients: number;
  readonly opsPerClient: number;
  /** Faults happen during this many ms… */
  readonly faultMs: number;
  /** …then every link heals, every node restarts, and the cluster must settle within this many ms. */
  readonly quietMs: number;
  /** Probability that a message is lost. */
  readonly lossRate: number;
  /** Probability that a delivered message is also delivered a second time later. */
  readonly duplicateRate: number;
  /** Per ms: crash a random node / restart a crashed one / partition / heal. */
  readonly crashRate: number;
  readonly restartRate: number;
  readonly partitionRate: number;
  readonly healRate: number;
  /** Per ms: cut the current leader off from everyone (Jepsen's partition-leader nemesis). */
  readonly isolateLeaderRate: number;
  /** Per ms: ask the current leader to hand leadership to a random other node. */
  readonly transferRate: number;
  readonly config?: Partial<RaftConfig>;
}

/** Defaults: 3 nodes, 2 clients, 3 s of faults, 2 s of quiet. */
export const RANDOM_RUN_DEFAULTS: Omit<RandomRunOptions, "seed"> = {
  nodes: 3,
  clients: 2,
  opsPerClient: 40,
  faultMs: 3000,
  quietMs: 2000,
  lossRate: 0.05,
  duplicateRate: 0.02,
  crashRate: 0.002,
  restartRate: 0.01,
  partitionRate: 0.002,
  healRate: 0.004,
  isolateLeaderRate: 0.002,
  transferRate: 0.001,
};

/** What a run produced. */
export interface RandomRunReport {
  readonly seed: number;
  readonly history: History;
  readonly counts: Record<"ok" | "fail" | "info" | "open", number>;
  readonly commitIndex: number;
  readonly invariantSteps: number;
  readonly crashes: number;
  readonly partitions: number;
  /** Membership changes asked for, and those answered ok (committed). */
  readonly changesAsked: number;
  readonly changesDone: number;
  readonly messagesSent: number;
  readonly finalState: [string, string][];
  /** The checker's verdict on the clients' history (etcd model, per key). */
  readonly linearizable: "ok" | "violation" | "unknown";
}

const KEYS = KV_WORKLOAD_KEYS;

/**
 * One randomized run of a Raft cluster with clients in the test network:
 * random delivery order and latency, loss, duplication, crashes with restart
 * from synced storage, partitions. The network checks every cross-node
 * invariant after each step, so a violation throws at the step that made it.
 * After the faults stop the cluster must elect a leader and bring every node's
 * state machine to the same state (liveness).
 */
export function randomRun(options: RandomRunOptions): RandomRunReport {
  const o = options;
  const rng = makePrng(o.seed ^ 0x5eed);
  const ids = Array.from({ length: o.nodes }, (_, i) => i);
  const members = ids.slice(0, ids.length - (o.spares ?? 0));
  const learners = members.slice(members.length - (o.learners ?? 0));
  const net = new TestNet({ ids, members, learners, seed: o.seed, config: o.config ?? {} });
  net.startAll();
  const recorder = new HistoryRecorder();
  const clients: RaftClient[] = [];
  for (let c = 0; c < o.clients; c++) {
    const id = 100 + c;
    const client = new RaftClient(id, {
      servers: ids,
      nextOp: kvWorkload(id, o.opsPerClient),
      recorder,
      attemptTimeoutMs: 150,
      opTimeoutMs: 1500,
      backoffMsMin: 10,
      backoffMsMax: 160,
      thinkMs: 5,
    });
    clients.push(client);
    net.addClient(id, () => client);
  }
  let crashes = 0;
  let partitions = 0;
  let changesAsked = 0;
  let changesDone = 0;
  for (let t = 0; t < o.faultMs; t++) {
    if (o.membershipRate !== undefined && rng() < o.membershipRate) {
      const leader = net.leader();
      const change =
        leader === undefined
          ? undefined
          : pickChange(leader.membership, ids, o.votersMin ?? 3, rng);
      if (leader !== undefined && change !== undefined) {
        net.inject(ADMIN, leader.id, { type: "membership", msgId: ++changesAsked, change });
      }
    }
    for (const e of net.takeOutside(ADMIN)) if (e.msg.type === "membershipOk") changesDone++;
    if (rng() < o.crashRate) {
      const up = ids.filter((id) => net.isUp(id));
      const victim = up[Math.floor(rng() * up.length)];
      if (victim !== undefined) {
        net.crash(victim);
        crashes++;
      }
    }
    if (rng() < o.restartRate) {
      const down = ids.filter((id) => !net.isUp(id));
      const back = down[Math.floor(rng() * down.length)];
      if (back !== undefined) net.restart(back);
    }
    if (rng() < o.partitionRate) {
      net.partition(randomGroups(ids, rng));
      partitions++;
    }
    if (rng() < o.isolateLeaderRate) {
      const leader = net.leader();
      if (leader !== undefined) {
        net.partition([[leader.id], ids.filter((id) => id !== leader.id)]);
        partitions++;
      }
    }
    if (rng() < o.transferRate) {
      const leader = net.leader();
      const others = ids.filter((id) => id !== leader?.id);
      const target = others[Math.floor(rng() * others.length)];
      if (leader !== undefined && target !== undefined)
        net.raft(leader.id)?.transferLeadership(target);
    }
    if (rng() < o.healRate) net.heal();
    step(net, rng, o.lossRate, o.duplicateRate);
  }
  net.heal();
  for (const id of ids) if (!net.isUp(id)) net.restart(id);
  for (let t = 0; t < o.quietMs; t++) step(net, rng, 0, 0);
  for (const e of net.takeOutside(ADMIN)) if (e.msg.type === "membershipOk") changesDone++;
  const leader = net.leader();
  assert(
    leader !== undefined,
    `seed ${o.seed}: no leader ${o.quietMs} ms after the faults stopped`,
  );
  // Only the members of the leader's configuration must have caught up: spares and removed servers get nothing.
  const inConfig = (id: NodeId) =>
    leader.membership.voters.includes(id) || leader.membership.learners.includes(id);
  const views = net.views().filter((v) => inConfig(v.id));
  for (const v of views) {
    assert(
      v.appliedIndex === leader.commitIndex,
      () =>
        `seed ${o.seed}: n${v.id} applied ${v.appliedIndex}, leader n${leader.id} committed ${leader.commitIndex} after quiet`,
    );
  }
  const finalState = net.raft(leader.id)?.kvEntries() ?? [];
  for (const id of ids.filter(inConfig)) {
    const state = JSON.stringify(net.raft(id)?.kvEntries());
    assert(
      state === JSON.stringify(finalState),
      () => `seed ${o.seed}: n${id} state differs from the leader's`,
    );
  }
  const history = recorder.history();
  const verdict = checkKvHistory(history, KEYS).verdict;
  return {
    seed: o.seed,
    linearizable: verdict,
    history,
    counts: recorder.counts(),
    commitIndex: leader.commitIndex,
    invariantSteps: net.invariants.steps,
    crashes,
    partitions,
    changesAsked,
    changesDone,
    messagesSent: net.messagesSent,
    finalState,
  };
}

/** One millisecond: clocks advance, then each queued message is delivered with probability 0.5 (so latency is random and order shuffled), lost, or kept. */
function step(net: TestNet, rng: () => number, lossRate: number, duplicateRate: number): void {
  net.advanceAll(1);
  const now: Envelope[] = [];
  const keep: Envelope[] = [];
  for (const e of net.queue) {
    if (e.at >= net.nowMs) keep.push(e);
    else if (rng() < lossRate) continue;
    else if (rng() < 0.5) now.push(e);
    else keep.push(e);
  }
  net.queue = keep;
  for (let i = now.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = now[i] as Envelope;
    now[i] = now[j] as Envelope;
    now[j] = tmp;
  }
  for (const e of now) {
    net.deliverOne(e);
    if (rng() < duplicateRate) net.queue.push({ ...e, at: net.nowMs });
  }
}

/** The administrator the randomized runs play: its requests go to the leader, its answers are counted. */
const ADMIN = 90;

/** A single-server change that applies to `m`: promote a learner, add a spare, or remove a voter (the leader too) or a learner. */
function pickChange(
  m: Membership,
  ids: readonly NodeId[],
  votersMin: number,
  rng: () => number,
): MembershipChange | undefined {
  const pick = (xs: readonly NodeId[]) => xs[Math.floor(rng() * xs.length)] ?? 0;
  const spares = ids.filter((id) => !m.voters.includes(id) && !m.learners.includes(id));
  const r = rng();
  if (m.learners.length > 0 && r < 0.5) return { op: "promote", node: pick(m.learners) };
  if (spares.length > 0 && r < 0.75) return { op: "addLearner", node: pick(spares) };
  if (m.voters.length > votersMin) return { op: "remove", node: pick(m.voters) };
  if (m.learners.length > 0) return { op: "remove", node: pick(m.learners) };
  return undefined;
}

function randomGroups(ids: readonly NodeId[], rng: () => number): NodeId[][] {
  const shuffled = [...ids];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as NodeId, shuffled[i] as NodeId];
  }
  const cut = 1 + Math.floor(rng() * (shuffled.length - 1));
  return [shuffled.slice(0, cut), shuffled.slice(cut)];
}
