import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/ids.js";
import type { Cluster } from "../net/launcher.js";
import type { NodeLine } from "../net/lines.js";
import { useRealCluster } from "../net/testing/real-cluster.js";
import { RAFT_LOAD_DEFAULTS } from "./load-config.js";
import { historyOfKvEvents } from "./load-history.js";
import { checkKvHistory } from "./testing/kv-history.js";

/**
 * Raft as real processes on loopback (`node dist/cli/node-process.js
 * --protocol raft-load`, real TCP, file storage that fsyncs): the servers plus
 * one load-driver process whose 8 clients run a mixed workload on 4 keys. The
 * leader is SIGKILLed; a new leader must be elected in a later term and
 * writes must go on; the killed node restarts from its data directory and
 * must catch up to the same state machine (equal digests at the same applied
 * index); the clients' history must be linearizable.
 */
const KEYS = ["a", "b", "c", "d"];

function config(servers: number, groupCommit: boolean): Record<string, unknown> {
  return {
    servers,
    groupCommit,
    clients: 8,
    workload: "mixed",
    keys: KEYS.length,
    recordOps: true,
    warmupMs: 0,
    durationMs: 0,
    reportMs: 150,
    attemptTimeoutMs: 300,
    opTimeoutMs: 3000,
    // Snapshot often so a restarted node may have to catch up by InstallSnapshot.
    snapshotEntries: 200,
  };
}

const event = (l: NodeLine): Record<string, unknown> | undefined =>
  l.kind === "event" ? l.event : undefined;

/** Operations the driver saw end `ok` so far. */
function okCount(cluster: Cluster, driver: NodeId, fromIndex = 0): number {
  let ok = 0;
  for (const l of cluster.lines.slice(fromIndex)) {
    const e = event(l);
    if (l.node === driver && e?.type === "kvReturn" && e.status === "ok") ok++;
  }
  return ok;
}

/** Waits until `count` more operations ended ok after line `fromIndex`. */
async function okAfter(cluster: Cluster, driver: NodeId, fromIndex: number, count: number) {
  await cluster.waitFor(
    () => okCount(cluster, driver, fromIndex) >= count,
    15_000,
    fromIndex,
    `${count} ok operations`,
  );
}

/** The latest leader announced by a server (highest term). */
function currentLeader(cluster: Cluster): { node: NodeId; term: number } {
  let best = { node: -1, term: -1 };
  for (const l of cluster.lines) {
    const e = event(l);
    if (e?.type === "raftRole" && e.role === "leader" && Number(e.term) > best.term) {
      best = { node: l.node, term: Number(e.term) };
    }
  }
  expect(best.node).toBeGreaterThanOrEqual(0);
  return best;
}

/** Resolves with the servers' last `raftState` once all of them report the same applied state. */
async function converged(
  cluster: Cluster,
  servers: number,
  fromIndex: number,
): Promise<Record<string, unknown>[]> {
  let states: Record<string, unknown>[] = [];
  await cluster.waitFor(
    () => {
      const last = new Map<NodeId, Record<string, unknown>>();
      for (const l of cluster.lines.slice(fromIndex)) {
        const e = event(l);
        if (e?.type === "raftState") last.set(l.node, e);
      }
      states = [...last.values()];
      return (
        last.size === servers &&
        new Set(states.map((s) => `${s.appliedIndex}/${s.digest}`)).size === 1
      );
    },
    15_000,
    fromIndex,
    "every server at the same applied state",
  );
  return states;
}

/** Waits for a leader of a term above `term`, announced after line `fromIndex` by a node not in `excluded`. */
async function newLeader(cluster: Cluster, fromIndex: number, term: number, excluded: NodeId[]) {
  await cluster.waitFor(
    (l) => {
      const e = event(l);
      return (
        e?.type === "raftRole" &&
        e.role === "leader" &&
        Number(e.term) > term &&
        !excluded.includes(l.node)
      );
    },
    15_000,
    fromIndex,
    "a new leader",
  );
}

async function killLeaderAndRestart(
  launch: () => Promise<Cluster>,
  servers: number,
  kills: number,
  groupCommit: boolean,
  pauseLeader: boolean,
) {
  const cluster = await launch();
  const driver = servers;
  await okAfter(cluster, driver, 0, 60);
  const old = currentLeader(cluster);
  // SIGKILL the leader and, on 5 servers, one more node: a majority stays up.
  const killed = [old.node];
  for (let n = 0; killed.length < kills; n++) if (n !== old.node) killed.push(n);
  const killedAt = cluster.lines.length;
  for (const n of killed) cluster.signal(n, "SIGKILL");
  await newLeader(cluster, killedAt, old.term, killed);
  // Writes go on without the old leader.
  await okAfter(cluster, driver, killedAt, 60);
  const writesAfterKill = cluster.lines.slice(killedAt).filter((l) => {
    const output = event(l)?.output as { op?: string } | null | undefined;
    return l.node === driver && event(l)?.status === "ok" && output?.op === "put";
  });
  expect(writesAfterKill.length).toBeGreaterThan(0);
  // Restart the killed nodes from their data directories, while the load goes on.
  const restartedAt = cluster.lines.length;
  await Promise.all(killed.map((n) => cluster.restart(n)));
  for (const n of killed) {
    const ready = cluster.lines.slice(restartedAt).find((l) => l.kind === "ready" && l.node === n);
    expect(ready?.kind === "ready" && ready.recovered).toBe(true);
  }
  await okAfter(cluster, driver, cluster.lines.length, 60);
  if (pauseLeader) {
    // SIGSTOP the leader: the others elect a new one; SIGCONT brings back a deposed leader
    // that still believes it leads. Nothing it does may break linearizability.
    const paused = currentLeader(cluster);
    const pausedAt = cluster.lines.length;
    cluster.signal(paused.node, "SIGSTOP");
    await newLeader(cluster, pausedAt, paused.term, [paused.node]);
    await okAfter(cluster, driver, pausedAt, 30);
    cluster.signal(paused.node, "SIGCONT");
    await okAfter(cluster, driver, cluster.lines.length, 30);
  }
  // Stop the load, then every server, the restarted ones included, must reach the same state.
  cluster.signal(driver, "SIGTERM");
  const stopped = await cluster.waitFor(
    (l) => l.kind === "stopped" && l.node === driver,
    10_000,
    restartedAt,
    "the driver to stop",
  );
  const states = await converged(cluster, servers, cluster.lines.indexOf(stopped) + 1);
  if (groupCommit) {
    // Bursts were synced together: fewer fsyncs than handlers that asked for one.
    const done = states.reduce((sum, s) => sum + Number(s.syncsDone), 0);
    const asked = states.reduce((sum, s) => sum + Number(s.syncsAsked), 0);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(asked);
  } else {
    expect(states.every((s) => s.syncsDone === undefined)).toBe(true);
  }
  expect(Number(states[0]?.appliedIndex)).toBeGreaterThan(okCount(cluster, driver) / 2);
  expect(Number(states[0]?.keys)).toBeGreaterThan(0);
  // The history the clients saw is linearizable.
  const history = historyOfKvEvents(
    cluster.lines.flatMap((l) =>
      l.kind === "event" && l.node === driver ? [{ atMs: l.atMs, event: l.event }] : [],
    ),
  );
  expect(history.filter((op) => op.status === "ok").length).toBeGreaterThan(180);
  const verdict = checkKvHistory(history, KEYS);
  expect(verdict.verdict).toBe("ok");
}

describe("Raft as real processes", () => {
  const launch3 = useRealCluster({
    nodes: 4,
    protocol: "raft-load",
    config: config(3, false),
    warmDelivered: 1,
  });
  it("3 servers, a sync per message: survives SIGKILL of the leader; the restarted node catches up; linearizable", async () => {
    await killLeaderAndRestart(launch3, 3, 1, false, false);
  });

  const launch5 = useRealCluster({
    nodes: 6,
    protocol: "raft-load",
    config: config(5, true),
    warmDelivered: 1,
  });
  it("5 servers, group commit: survives SIGKILL of the leader and a follower (both catch up) and a paused leader; linearizable", async () => {
    await killLeaderAndRestart(launch5, 5, 2, true, true);
  });
});

// Keep the defaults honest: the test's config differs from them only where it says.
it("the test config names only fields raft-load has", () => {
  for (const key of Object.keys(config(3, true)))
    expect(Object.hasOwn(RAFT_LOAD_DEFAULTS, key)).toBe(true);
});
