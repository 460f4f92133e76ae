#!/usr/bin/env node
// Real-host throughput: small messages per second between two node processes
// on loopback. Run after a build:  npm run build && node bench/net/run.mjs [runs] [durationMs]
// (`cohort bench net` runs the same code.) Prints one JSON object.
import { NET_BENCH_DEFAULTS, runNetBench } from "../../dist/net/bench.js";

const runs = Number(process.argv[2] ?? NET_BENCH_DEFAULTS.runs);
const durationMs = Number(process.argv[3] ?? NET_BENCH_DEFAULTS.durationMs);
const result = await runNetBench({ ...NET_BENCH_DEFAULTS, runs, durationMs });
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
