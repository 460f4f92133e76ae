// Raft in the simulator: committed client operations per second of wall time
// for a 5-server cluster, closed-loop clients, no faults. Build first:
//   npx tsc -p . && node bench/raft/run.mjs [--clients 16] [--virtual-ms 10000] [--repeats 5]
// Every node is behind the end-to-end checksum, as raftProtocol runs it;
// `--integrity off` runs the bare nodes, to measure what the checksum costs;
// `--integrity full` also rechecks messages handed over in memory, as a real
// host (which decodes every message) must.
import { parseArgs } from "node:util";
import { RaftClient } from "../../dist/raft/client.js";
import { RAFT_DEFAULTS } from "../../dist/raft/config.js";
import { unwrapIntegrity, withIntegrity } from "../../dist/raft/integrity.js";
import { raftMessageProblem } from "../../dist/raft/messages.js";
import { RaftNode } from "../../dist/raft/node.js";
import { raftWireProblem } from "../../dist/raft/protocol.js";
import { Simulation } from "../../dist/sim/index.js";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "16" },
    "virtual-ms": { type: "string", default: "10000" },
    repeats: { type: "string", default: "5" },
    servers: { type: "string", default: "5" },
    integrity: { type: "string", default: "on" },
  },
});
const clients = Number(values.clients);
const servers = Number(values.servers);
const virtualMs = Number(values["virtual-ms"]);
const repeats = Number(values.repeats);
const integrity = values.integrity !== "off";
const recheckInMemory = values.integrity === "full";
const wrap = (node) => (integrity ? withIntegrity(node, { recheckInMemory }) : node);
const serverIds = Array.from({ length: servers }, (_, i) => i);

function once(seed) {
  const sim = new Simulation({
    seed,
    nodeCount: servers + clients,
    create: (id) =>
      wrap(
        id < servers
          ? new RaftNode(id, RAFT_DEFAULTS, serverIds)
          : new RaftClient(id, {
              servers: serverIds,
              nextOp: (random, seq) => ({
                op: "put",
                key: `k${Math.floor(random() * 64)}`,
                value: `${id}.${seq}`,
              }),
              attemptTimeoutMs: 200,
              opTimeoutMs: 2000,
              backoffMsMin: 10,
              backoffMsMax: 200,
              thinkMs: 0,
            }),
      ),
    validate: (msg) => (integrity ? raftWireProblem(msg) : raftMessageProblem(msg, RAFT_DEFAULTS)),
  });
  const t0 = performance.now();
  sim.run(virtualMs);
  const wallMs = performance.now() - t0;
  let ok = 0;
  for (const { event } of sim.events())
    if (event.type === "kvReturn" && event.status === "ok") ok++;
  let commit = 0;
  for (const id of serverIds)
    commit = Math.max(commit, unwrapIntegrity(sim.node(id))?.inspect().commitIndex ?? 0);
  return { wallMs, ok, commit, delivered: sim.counters().delivered };
}

const runs = [];
for (let r = 0; r < repeats; r++) runs.push(once(r + 1));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const okPerWallSec = median(runs.map((r) => (r.ok / r.wallMs) * 1000));
const okPerVirtualSec = median(runs.map((r) => (r.ok / virtualMs) * 1000));
const msgsPerWallSec = median(runs.map((r) => (r.delivered / r.wallMs) * 1000));
console.log(
  JSON.stringify({
    servers,
    clients,
    integrity: values.integrity,
    virtualMs,
    repeats,
    medianOkOpsPerWallSec: Math.round(okPerWallSec),
    medianOkOpsPerVirtualSec: Math.round(okPerVirtualSec),
    medianDeliveredPerWallSec: Math.round(msgsPerWallSec),
    runs: runs.map((r) => ({ wallMs: Math.round(r.wallMs), ok: r.ok, commit: r.commit })),
  }),
);
