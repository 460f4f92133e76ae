// SWIM at scale in the simulator: n members with memberlist's LAN defaults (1 s periods),
// the last one crashed at 50 s, run for 100 protocol periods. Prints messages per member
// per second and how many members declared the crashed one dead.
// Usage: npx tsc -p . && node bench/detect/swim-scale.mjs 4096
import { SWIM_DEFAULTS, swimProtocol } from "../../dist/detect/index.js";
import { Simulation } from "../../dist/sim/simulation.js";

const n = Number(process.argv[2] ?? 4096);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const sim = new Simulation({
  seed: 1,
  nodeCount: n,
  create: (id) => swimProtocol.create(id, SWIM_DEFAULTS),
  validate: swimProtocol.validate,
});
sim.schedule(50_000, { verb: "crash", node: n - 1 });
sim.run(100 * SWIM_DEFAULTS.probeIntervalMs);
const cpu = process.cpuUsage(cpu0);
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
    wallSec: +((performance.now() - t0) / 1000).toFixed(1),
    cpuSec: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    sent: c.sent,
    msgsPerMemberPerSec: +(c.sent / n / 100).toFixed(2),
    declaredDeadBy: dead.size,
  }),
);
