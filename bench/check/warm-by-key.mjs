// Times the c10 kv histories checked key by key once the JIT is fully warm:
// 300 untimed runs, then the CPU-time median of 2,000.
// Run from the package root after `npx tsc -p .`: node bench/check/warm-by-key.mjs
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHistory } from "../../dist/check/formats/detect.js";
import { checkLinearizable } from "../../dist/check/linearizable/check.js";
import { MODELS } from "../../dist/check/models/index.js";

const dir = join(process.cwd(), "..", "shared", "histories", "porcupine", "kv");
const model = MODELS.get("kv");
for (const name of ["c10-ok", "c10-bad"]) {
  const history = parseHistory(readFileSync(join(dir, `${name}.txt`), "utf8"), "kv-log");
  for (let i = 0; i < 300; i++) checkLinearizable(history, model);
  const times = [];
  let verdict = "";
  for (let i = 0; i < 2000; i++) {
    const before = process.cpuUsage();
    verdict = checkLinearizable(history, model).verdict;
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name} by key: ${verdict}, CPU median ${times[1000].toFixed(3)} ms, min ${times[0].toFixed(3)} ms`,
  );
}
