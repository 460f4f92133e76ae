import type { History } from "../check/history.js";
import type { NodeId } from "../core/index.js";
import { RaftAdmin } from "../raft/admin.js";
import { RaftClient } from "../raft/client.js";
import type { RaftConfig } from "../raft/config.js";
import { unwrapIntegrity, withIntegrity } from "../raft/integrity.js";
import { type Membership, type MembershipChange, membershipOf } from "../raft/membership.js";
import { RaftNode } from "../raft/node.js";
import { type RaftWireMessage, raftWireProblem } from "../raft/protocol.js";
import { checkKvHistory } from "../raft/testing/kv-history.js";
import { KV_WORKLOAD_KEYS, kvWorkload } from "../raft/testing/kv-workload.js";
import type { RunView, Scenario } from "../sim/scenario.js";
import {
  calmFromMs,
  committedPrefixesAgree,
  historyOfEvents,
  lostWrites,
  RAFT_KV_CONFIG,
} from "./raft-kv.js";

/** Key-value clients in every raft-membership run. */
export const MEMBERSHIP_CLIENTS = 3;
/** Administrators making membership changes concurrently (each one change at a time). */
export const MEMBERSHIP_ADMINS = 2;
/** The initial configuration: three voters; the other servers are spares. */
const INITIAL_VOTERS = [0, 1, 2];
const VOTERS_MIN = 3;
const VOTERS_MAX = 5;
const KEYS = KV_WORKLOAD_KEYS;
const OPS_PER_CLIENT = 400;
/** More writes than raft-kv's mix: 40% puts, 30% gets, 15% cas, 8% deletes, 7% ranges. */
const MIX = { put: 0.4, get: 0.7, cas: 0.85, delete: 0.93 };

/**
 * The administrators' policy: promote a learner, add a spare as a learner,
 * remove a voter (the leader too) or a learner, keeping 3 to 5 voters.
 */
function planChanges(
  servers: readonly NodeId[],
): (random: () => number, m: Membership) => MembershipChange | undefined {
  return (random, m) => {
    const pick = (xs: readonly NodeId[]) => xs[Math.floor(random() * xs.length)] ?? 0;
    const spares = servers.filter((s) => !m.voters.includes(s) && !m.learners.includes(s));
    const r = random();
    if (m.learners.length > 0 && r < 0.6) return { op: "promote", node: pick(m.learners) };
    if (m.voters.length < VOTERS_MAX && spares.length > 0 && r < 0.85)
      return { op: "addLearner", node: pick(spares) };
    if (m.voters.length > VOTERS_MIN) return { op: "remove", node: pick(m.voters) };
    if (m.learners.length > 0) return { op: "remove", node: pick(m.learners) };
    if (spares.length > 0) return { op: "addLearner", node: pick(spares) };
    return undefined;
  };
}

function liveServers(view: RunView<unknown, unknown>, servers: number): RaftNode[] {
  const live: RaftNode[] = [];
  for (let id = 0; id < servers; id++) {
    const node = unwrapIntegrity(view.node(id));
    if (node instanceof RaftNode) live.push(node);
  }
  return live;
}

function electionSafety(view: RunView<unknown, unknown>): string[] {
  const leaders = new Map<number, NodeId>();
  const out: string[] = [];
  for (const { t, node, event } of view.events) {
    if (event.type !== "raftRole" || event.role !== "leader") continue;
    const term = Number(event.term);
    const other = leaders.get(term);
    if (other === undefined) leaders.set(term, node);
    else if (other !== node)
      out.push(`t=${t}ms election safety: n${other} and n${node} both lead term ${term}`);
  }
  return out;
}

/** The configuration of the live server that committed furthest: the cluster's, as far as the run shows. */
function finalMembership(live: readonly RaftNode[]): Membership | undefined {
  let best: RaftNode | undefined;
  for (const n of live)
    if (best === undefined || n.inspect().commitIndex > best.inspect().commitIndex) best = n;
  return best?.inspect().membership;
}

/**
 * Acknowledged writes lost, judged on the final configuration's members when
 * every one is up and applied all that any live server knows committed (the
 * cluster settled; a removed server may know of more commits than the new
 * leader has yet learned, so agreeing among members is not enough): an
 * `ok` write no other write to its key can follow must be the key's value.
 * Returns undefined when the run did not settle (not judged).
 */
export function membershipAcknowledgedLost(
  history: History,
  live: readonly RaftNode[],
): number | undefined {
  const m = finalMembership(live);
  if (m === undefined) return undefined;
  const members = live.filter((n) => m.voters.includes(n.id) || m.learners.includes(n.id));
  if (members.length < m.voters.length + m.learners.length) return undefined;
  // Settled: every member applied everything any live server knows committed.
  const committed = Math.max(...live.map((n) => n.inspect().commitIndex));
  if (members.some((n) => n.inspect().appliedIndex !== committed)) return undefined;
  return lostWrites(history, new Map((members[0] as RaftNode).kvEntries()));
}

/** After the calm, with a majority of the final configuration's voters up and a client working, an operation succeeds within 3 s. */
const SETTLE_MS = 3000;
function liveness(
  view: RunView<unknown, unknown>,
  servers: number,
  clients: number,
  history: History,
  m: Membership | undefined,
): string[] {
  const calm = calmFromMs(view);
  if (m === undefined || calm + SETTLE_MS > view.endMs) return [];
  const up = m.voters.filter((v) => view.status(v) === "up").length;
  if (up <= m.voters.length / 2) return [];
  let working = false;
  for (let id = servers; id < servers + clients; id++) {
    const client = unwrapIntegrity(view.node(id));
    if (client instanceof RaftClient && !client.finished()) working = true;
  }
  if (!working) return [];
  const progressed = history.some(
    (op) => op.status === "ok" && op.ret >= calm && op.ret <= calm + SETTLE_MS,
  );
  return progressed
    ? []
    : [
        `liveness: no operation succeeded within ${SETTLE_MS} ms after the faults healed at t=${calm}ms`,
      ];
}

/** Membership changes the administrators saw committed, by kind, and leaders that stepped down after removing themselves. */
function changesMade(view: RunView<unknown, unknown>): Record<string, number> {
  const out: Record<string, number> = { addLearner: 0, promote: 0, remove: 0, leaderRemoved: 0 };
  for (const { event } of view.events) {
    if (event.type === "raftRemovedLeader") out.leaderRemoved = (out.leaderRemoved ?? 0) + 1;
    if (event.type !== "membershipReturn" || event.status !== "ok") continue;
    const op = String(event.op);
    out[op] = (out[op] ?? 0) + 1;
  }
  return out;
}

/** How the administrators behave in a raft-membership run. */
export interface MembershipScenarioOptions {
  /** How many administrators (default `MEMBERSHIP_ADMINS`). */
  readonly admins?: number;
  /** Pause between one administrator's changes, uniform in [min, max) ms (default 100-600). */
  readonly thinkMsMin?: number;
  readonly thinkMsMax?: number;
  /** Administrators that move on when a change is not answered within `attemptTimeoutMs` (default false). */
  readonly impatient?: boolean;
  /** How long an administrator waits for an answer (default 200 ms). */
  readonly attemptTimeoutMs?: number;
}

/** Builds the raft-membership scenario with `config` for every server (tests pass planted bugs and busier administrators). */
export function raftMembershipScenarioOf(
  name: string,
  config: RaftConfig,
  options: MembershipScenarioOptions = {},
): Scenario<RaftWireMessage, string> {
  const OTHERS = MEMBERSHIP_CLIENTS + (options.admins ?? MEMBERSHIP_ADMINS);
  return {
    name,
    summary: `Raft membership changes: 3 voters of 5-7 servers; ${options.admins ?? MEMBERSHIP_ADMINS} administrators add learners, promote them, remove voters (the leader too) while ${MEMBERSHIP_CLIENTS} key-value clients run under the raft-kv nemesis (every message checksummed); linearizable, no acknowledged write lost, election safety, committed logs agree, liveness`,
    defaults: {
      nodes: 6 + OTHERS,
      durationMs: 20_000,
      nemesis: {
        verbs: [
          "crash",
          "restart",
          "loss",
          "link",
          "partition",
          "delay",
          "pause",
          "clock",
          "corrupt",
          "duplicate",
          "replay",
        ],
        ratePerSec: 1,
      },
    },
    nodesMin: 5 + OTHERS,
    nodesMax: 7 + OTHERS,
    create(id, nodeCount) {
      const servers = Array.from({ length: nodeCount - OTHERS }, (_, i) => i);
      // Every message is sealed with a CRC32C and checked on receipt (as in raft-kv), so the corrupt verb is an omission.
      if (id < servers.length) return withIntegrity(new RaftNode(id, config, INITIAL_VOTERS));
      if (id < servers.length + MEMBERSHIP_CLIENTS)
        return withIntegrity(
          new RaftClient(id, {
            servers,
            nextOp: kvWorkload(id, OPS_PER_CLIENT, MIX),
            attemptTimeoutMs: 200,
            opTimeoutMs: 2000,
            backoffMsMin: 10,
            backoffMsMax: 200,
            thinkMs: 10,
          }),
        );
      return withIntegrity(
        new RaftAdmin(id, {
          servers,
          initial: membershipOf(INITIAL_VOTERS, []),
          nextChange: planChanges(servers),
          attemptTimeoutMs: options.attemptTimeoutMs ?? 200,
          impatient: options.impatient ?? false,
          promoteGiveUpMs: 1500,
          backoffMsMin: 10,
          backoffMsMax: 200,
          thinkMsMin: options.thinkMsMin ?? 100,
          thinkMsMax: options.thinkMsMax ?? 600,
        }),
      );
    },
    validate: raftWireProblem,
    check(view) {
      const servers = view.nodeCount - OTHERS;
      const history = historyOfEvents(view);
      const live = liveServers(view, servers);
      const out = [...electionSafety(view), ...committedPrefixesAgree(live)];
      const verdict = checkKvHistory(history, KEYS, 20_000);
      if (verdict.verdict !== "ok") {
        const stuck = verdict.partitions.find((p) => p.verdict !== "ok");
        out.push(
          `linearizable: ${verdict.verdict}${stuck === undefined ? "" : ` on key ${String(stuck.key)}: ${stuck.stuck[0]?.needed ?? stuck.reason ?? ""}`}`,
        );
      }
      const lost = membershipAcknowledgedLost(history, live);
      if (lost !== undefined && lost > 0)
        out.push(`acknowledgedLost: ${lost} acknowledged writes missing from the final state`);
      out.push(...liveness(view, servers, MEMBERSHIP_CLIENTS, history, finalMembership(live)));
      return out;
    },
    results(view) {
      const servers = view.nodeCount - OTHERS;
      const live = liveServers(view, servers);
      const m = finalMembership(live);
      return {
        membershipChanges: changesMade(view),
        finalVoters: m === undefined ? null : [...m.voters],
        finalLearners: m === undefined ? null : [...m.learners],
        acknowledgedLostJudged:
          membershipAcknowledgedLost(historyOfEvents(view), live) !== undefined,
      };
    },
  };
}

/** `raft-membership`: raft-kv's servers and workload with membership changes under the same nemesis. */
export const raftMembershipScenario = raftMembershipScenarioOf("raft-membership", RAFT_KV_CONFIG);
