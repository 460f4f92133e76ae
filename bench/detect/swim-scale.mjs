// SWIM at scale in the simulator: n members with memberlist's LAN defaults (1 s periods,
// Lifeguard on), the last one crashed at 50 s, run for 100 protocol periods. Prints wall and
// CPU time, peak RSS, the machine's load average before and after, messages per member per
// second and how many members declared the crashed one dead. `--bytes` also counts message
// bytes (as JSON; slower). Issue 4's target: n = 4096 in under 60 s on one core, so pin it:
// Usage: npx tsc -p . && taskset -c 1 node bench/detect/swim-scale.mjs 4096 [--bytes]
import { readFileSync } from "node:fs";
import { SWIM_DEFAULTS, swimProtocol } from "../../dist/detect/index.js";
import { Simulation } from "../../dist/sim/simulation.js";

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const n = Number(process.argv[2] ?? 4096);
const countBytes = process.argv.includes("--bytes");
const loadBefore = loadavg();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let bytes = 0;
const sim = new Simulation({
  seed: 1,
  nodeCount: n,
  create: (id) => {
    const node = swimProtocol.create(id, SWIM_DEFAULTS);
    if (!countBytes) return node;
    const start = node.start.bind(node);
    node.start = (env, recovered) => {
      const send = env.send.bind(env);
      env.send = (to, msg) => {
        bytes += JSON.stringify(msg).length;
        send(to, msg);
      };
      start(env, recovered);
    };
    return node;
  },
  validate: swimProtocol.validate,
});
sim.schedule(50_000, { verb: "crash", node: n - 1 });
sim.run(100 * SWIM_DEFAULTS.probeIntervalMs);
const cpu = process.cpuUsage(cpu0);
const wallSec = (performance.now() - t0) / 1000;
const c = sim.counters();
const dead = new Set(
  sim
    .events()
    .filter((e) => e.event.type === "dead" && e.event.peer === n - 1)
    .map((e) => e.node),
);
console.log(
  JSON.stringify({
    n,
    periods: 100,
    node: process.version,
    wallSec: +wallSec.toFixed(1),
    cpuSec: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    userSec: +(cpu.user / 1e6).toFixed(1),
    sysSec: +(cpu.system / 1e6).toFixed(1),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    loadBefore,
    loadAfter: loadavg(),
    sent: c.sent,
    msgsPerMemberPerSec: +(c.sent / n / 100).toFixed(2),
    ...(countBytes ? { bytesPerMemberPerSec: Math.round(bytes / n / 100) } : {}),
    declaredDeadBy: dead.size,
  }),
);
