import type { History, Operation, OpStatus } from "../check/history.js";
import type { NodeId, ProtocolNode } from "../core/index.js";
import { RaftClient } from "../raft/client.js";
import { RAFT_DEFAULTS, type RaftConfig } from "../raft/config.js";
import { GroupCommitNode } from "../raft/group-commit-node.js";
import { unwrapIntegrity, withIntegrity } from "../raft/integrity.js";
import type { KvOp } from "../raft/kv.js";
import { type RaftMessage, raftMessageProblem } from "../raft/messages.js";
import { RaftNode } from "../raft/node.js";
import { type RaftWireMessage, raftWireProblem } from "../raft/protocol.js";
import { checkKvHistory } from "../raft/testing/kv-history.js";
import { KV_WORKLOAD_KEYS, kvWorkload } from "../raft/testing/kv-workload.js";
import type { RunView, Scenario } from "../sim/scenario.js";

/** Clients in every raft-kv run; the other nodes are Raft servers. */
export const RAFT_KV_CLIENTS = 3;
const KEYS = KV_WORKLOAD_KEYS;
const OPS_PER_CLIENT = 400;

/**
 * Rebuilds the clients' history from their `kvCall` / `kvReturn` events. A
 * client that crashed with an operation open leaves it `info`, and its next
 * incarnation gets a new process number (a process has one operation open).
 */
export function historyOfEvents(view: RunView<unknown, unknown>): History {
  const ops: Omit<Operation, "id">[] = [];
  const open = new Map<NodeId, { index: number; process: number }>();
  const processOf = new Map<NodeId, number>();
  let nextProcess = 1000;
  for (const { t, node, event } of view.events) {
    if (event.type === "kvCall") {
      if (open.has(node)) processOf.set(node, nextProcess++); // crashed mid-operation
      const process = processOf.get(node) ?? node;
      const key = event.key;
      ops.push({
        process,
        f: String(event.f),
        ...(typeof key === "string" ? { key } : {}),
        input: event.input,
        output: undefined,
        status: "info",
        call: t,
        ret: Number.POSITIVE_INFINITY,
      });
      open.set(node, { index: ops.length - 1, process });
    } else if (event.type === "kvReturn") {
      const o = open.get(node);
      if (o === undefined) continue;
      open.delete(node);
      const status = event.status as OpStatus;
      const op = ops[o.index] as Omit<Operation, "id">;
      ops[o.index] = {
        ...op,
        status,
        output: status === "ok" ? event.output : undefined,
        ret: status === "info" ? Number.POSITIVE_INFINITY : t,
      };
    }
  }
  return ops.map((op, id) => ({ ...op, id }));
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

/**
 * The servers running Raft: not crashed, not quarantined for damaged
 * storage, and with `upOnly` not paused either.
 */
function liveServers(view: RunView<unknown, unknown>, servers: number, upOnly = false): RaftNode[] {
  const live: RaftNode[] = [];
  for (let id = 0; id < servers; id++) {
    const outer = unwrapIntegrity(view.node(id));
    const node = outer instanceof GroupCommitNode ? outer.inner : outer;
    if (node instanceof RaftNode && (!upOnly || view.status(id) === "up")) live.push(node);
  }
  return live;
}

/** Live servers' committed prefixes must agree entry by entry (state machine safety at the end). */
function committedAgreement(view: RunView<unknown, unknown>, servers: number): string[] {
  return committedPrefixesAgree(liveServers(view, servers));
}

/**
 * Every pair of `live` servers agrees on the entries both committed (entries
 * inside either one's snapshot are gone from its log; the rest are compared).
 */
export function committedPrefixesAgree(live: readonly RaftNode[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const a = (live[i] as RaftNode).inspect();
      const b = (live[j] as RaftNode).inspect();
      const upTo = Math.min(a.commitIndex, b.commitIndex);
      for (let index = Math.max(a.snapshotIndex, b.snapshotIndex) + 1; index <= upTo; index++) {
        const x = a.log[index - a.snapshotIndex - 1];
        const y = b.log[index - b.snapshotIndex - 1];
        if (x?.term !== y?.term || JSON.stringify(x?.data) !== JSON.stringify(y?.data)) {
          out.push(
            `state machine safety: n${a.id} and n${b.id} committed different entries at index ${index}`,
          );
          break;
        }
      }
    }
  }
  return out;
}

/**
 * Live servers that applied the same prefix of the log hold the same
 * key-value state: applying is deterministic, session eviction included.
 */
function stateAgreement(view: RunView<unknown, unknown>, servers: number): string[] {
  const byApplied = new Map<number, RaftNode>();
  const out: string[] = [];
  for (const node of liveServers(view, servers)) {
    const applied = node.inspect().appliedIndex;
    const other = byApplied.get(applied);
    if (other === undefined) {
      byApplied.set(applied, node);
    } else if (JSON.stringify(other.kvEntries()) !== JSON.stringify(node.kvEntries())) {
      out.push(
        `state machine safety: n${other.id} and n${node.id} applied ${applied} entries but hold different key-value states`,
      );
    }
  }
  return out;
}

/**
 * The live server whose state machine holds every committed write, if one is
 * known to: a majority of servers is live (so some live server saw the
 * highest term in which anything was committed), and a leader of the highest
 * live term has committed an entry of its own term and applied its whole
 * committed log. By leader completeness it holds every committed entry.
 * A server just restarted knows its snapshot only, so "the live servers
 * agree" is not enough.
 */
function settledLeader(view: RunView<unknown, unknown>, servers: number): RaftNode | undefined {
  const live = liveServers(view, servers);
  if (live.length <= servers / 2) return undefined;
  const termMax = Math.max(...live.map((n) => n.inspect().term));
  for (const node of live) {
    const v = node.inspect();
    if (v.role !== "leader" || v.term !== termMax || v.appliedIndex !== v.commitIndex) continue;
    const commitTerm =
      v.commitIndex > v.snapshotIndex
        ? v.log[v.commitIndex - v.snapshotIndex - 1]?.term
        : v.snapshotTerm;
    if (commitTerm === v.term) return node;
  }
  return undefined;
}

/**
 * Acknowledged writes lost: an `ok` write to a key that no other write to
 * that key can follow (every other write returned before it was called) must
 * be the key's final value on the settled leader (`settledLeader`); not
 * judged when there is none at the end of the run.
 */
export function acknowledgedLost(
  history: History,
  view: RunView<unknown, unknown>,
  servers: number,
): number {
  const leader = settledLeader(view, servers);
  if (leader === undefined) return 0;
  return lostWrites(history, new Map(leader.kvEntries()));
}

/**
 * Acknowledged writes that `state` (a settled server's key-value pairs) does not
 * hold: an ok put, delete or cas whose key no later, possibly applied write
 * touched, yet whose value is not the key's value in `state`.
 */
export function lostWrites(history: History, state: ReadonlyMap<string, unknown>): number {
  const writes = history.filter((op) => op.f === "put" || op.f === "delete" || op.f === "cas");
  let lost = 0;
  for (const w of writes) {
    if (w.status !== "ok" || w.key === undefined) continue;
    const followable = writes.some(
      (x) => x !== w && x.key === w.key && x.status !== "fail" && x.ret > w.call,
    );
    if (followable) continue;
    const input = w.input as KvOp;
    const expected = input.op === "put" ? input.value : input.op === "cas" ? input.to : null;
    if ((state.get(w.key) ?? null) !== expected) lost++;
  }
  return lost;
}

/** When every fault that stops progress had healed (a crash never healed leaves its node down, which `liveness` counts). */
export function calmFromMs(view: RunView<unknown, unknown>): number {
  let calm = 0;
  for (const f of view.faults) {
    if (f.fault === "crash" || f.fault === "failstop") {
      if (f.healAt !== undefined) calm = Math.max(calm, f.healAt);
    } else if (f.fault === "restart") {
      calm = Math.max(calm, f.at + (f.downMs ?? 0));
    } else if (f.fault === "disk") {
      calm = Math.max(calm, f.at);
    } else {
      calm = Math.max(calm, f.healAt ?? Number.POSITIVE_INFINITY);
    }
  }
  return calm;
}

/** Liveness after the calm: with a majority of servers up and a client still working, some operation succeeds within 3 s. */
const SETTLE_MS = 3000;
function liveness(view: RunView<unknown, unknown>, servers: number, history: History): string[] {
  const calm = calmFromMs(view);
  if (calm + SETTLE_MS > view.endMs) return [];
  // A server quarantined for damaged storage is down for good.
  const up = liveServers(view, servers, true).length;
  if (up <= servers / 2) return [];
  let working = false;
  for (let id = servers; id < view.nodeCount; id++) {
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

/** Variants of raft-kv for tests. */
export interface RaftKvOptions {
  /**
   * Seal every message with its checksum (`withIntegrity`); default true.
   * False runs the bare protocol: a planted bug for the `corrupt` nemesis.
   */
  readonly integrity?: boolean;
  /** Builds each server (default: a `RaftNode`); tests pass subclasses with planted bugs. */
  readonly server?: (id: NodeId, config: RaftConfig, servers: readonly NodeId[]) => RaftNode;
  /** PLANTED BUG: servers whose storage lost synced state rejoin instead of stopping. */
  readonly trustDamagedStorage?: boolean;
  /** Servers group-commit their syncs (`GroupCommitNode`), as `raftProtocol` runs on the real host. */
  readonly groupCommit?: boolean;
}

/** Builds the raft-kv scenario with `config` for every server (tests pass planted bugs). */
export function raftKvScenarioOf(
  name: string,
  config: RaftConfig,
  options: RaftKvOptions = {},
): Scenario<RaftWireMessage | RaftMessage, string> {
  const integrity = options.integrity ?? true;
  const server = options.server ?? ((id, c, servers) => new RaftNode(id, c, servers));
  const guard = { unsafeTrustDamagedStorage: options.trustDamagedStorage ?? false };
  const wrap = <M, T>(node: ProtocolNode<M, T>) => (integrity ? withIntegrity(node, guard) : node);
  return {
    name,
    summary: `Raft (pre-vote, check-quorum, ReadIndex) with ${RAFT_KV_CLIENTS} key-value clients under every fault of the failure model (crash, fail-stop, restart, loss, buffer overflow, partitions, delay, pauses, clock faults, message and disk corruption, duplication, replay; messages checksummed, damaged storage stops its node); history linearizable, no acknowledged write lost, election safety`,
    defaults: {
      nodes: 5 + RAFT_KV_CLIENTS,
      durationMs: 20_000,
      nemesis: {
        // Every fault of the failure model (src/sim FAULT_VERBS).
        verbs: [
          "crash",
          "failstop",
          "restart",
          "loss",
          "buffer",
          "link",
          "partition",
          "delay",
          "pause",
          "clock",
          "corrupt",
          "duplicate",
          "replay",
          "disk",
        ],
        ratePerSec: 1,
      },
    },
    nodesMin: 1 + RAFT_KV_CLIENTS,
    nodesMax: 9 + RAFT_KV_CLIENTS,
    create(id, nodeCount) {
      const servers = Array.from({ length: nodeCount - RAFT_KV_CLIENTS }, (_, i) => i);
      if (id < servers.length) {
        const raft = server(id, config, servers);
        return options.groupCommit === true ? wrap(new GroupCommitNode(raft)) : wrap(raft);
      }
      return wrap(
        new RaftClient(id, {
          servers,
          nextOp: kvWorkload(id, OPS_PER_CLIENT),
          attemptTimeoutMs: 200,
          opTimeoutMs: 2000,
          backoffMsMin: 10,
          backoffMsMax: 200,
          thinkMs: 10,
        }),
      );
    },
    validate: (msg) => (integrity ? raftWireProblem(msg) : raftMessageProblem(msg, RAFT_DEFAULTS)),
    results(view) {
      let sessionsRegistered = 0;
      let sessionsExpired = 0;
      const quarantined = new Set<NodeId>();
      for (const { node, event } of view.events) {
        if (event.type === "quarantined") quarantined.add(node);
        if (event.type !== "kvSession") continue;
        if (event.what === "registered") sessionsRegistered++;
        else sessionsExpired++;
      }
      // Whether acknowledgedLost could be judged (a settled leader at the end).
      const settled = settledLeader(view, view.nodeCount - RAFT_KV_CLIENTS) !== undefined;
      return { sessionsRegistered, sessionsExpired, quarantined: [...quarantined], settled };
    },
    check(view) {
      const servers = view.nodeCount - RAFT_KV_CLIENTS;
      const history = historyOfEvents(view);
      const out = [
        ...electionSafety(view),
        ...committedAgreement(view, servers),
        ...stateAgreement(view, servers),
      ];
      const verdict = checkKvHistory(history, KEYS, 20_000);
      if (verdict.verdict !== "ok") {
        const stuck = verdict.partitions.find((p) => p.verdict !== "ok");
        out.push(
          `linearizable: ${verdict.verdict}${stuck === undefined ? "" : ` on key ${String(stuck.key)}: ${stuck.stuck[0]?.needed ?? stuck.reason ?? ""}`}`,
        );
      }
      const lost = acknowledgedLost(history, view, servers);
      if (lost > 0)
        out.push(`acknowledgedLost: ${lost} acknowledged writes missing from the final state`);
      out.push(...liveness(view, servers, history));
      return out;
    },
  };
}

/**
 * The servers' config in `raft-kv`: the defaults, snapshotting every 100
 * entries so runs exercise compaction and InstallSnapshot, and lease reads
 * with a 10% drift bound (the `clock` nemesis drifts clocks by at most 5%).
 */
export const RAFT_KV_CONFIG: RaftConfig = {
  ...RAFT_DEFAULTS,
  snapshotEntries: 100,
  leaseReads: true,
  clockDriftMax: 0.1,
};

/** `raft-kv`: issue 7's scenario. */
export const raftKvScenario = raftKvScenarioOf("raft-kv", RAFT_KV_CONFIG);
