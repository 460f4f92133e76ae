// Cross-checks the linearizability search's prunings on random histories too big for
// brute force: the verdict with eager reads, twins and overwritten guesses (the built-in
// models) must equal the verdict without them (the same models minus readOnly and
// blindWrite) and the verdict of the whole-history search; histories of at most 7 ops are
// also checked against the brute-force reference. A timeout (5 s) counts as undecided.
// Run from the package root after `npx tsc -p .`:
//   node bench/check/fuzz-prunings.mjs [firstSeed] [models] [seeds]
import { checkLinearizable } from "../../dist/check/linearizable/check.js";
import {
  appendCell,
  etcdCell,
  keyed,
  MODELS,
  registerCell,
} from "../../dist/check/models/index.js";
import { bruteForceLinearizable } from "../../dist/check/testing/brute.js";
import {
  generateHistory,
  kvExecutor,
  registerExecutor,
} from "../../dist/check/testing/generate.js";

const plain = (cell) => {
  const copy = { ...cell };
  delete copy.readOnly;
  delete copy.blindWrite;
  return copy;
};
const unpruned = {
  register: keyed(plain(registerCell), "register", "no prunings"),
  etcd: keyed(plain(etcdCell), "etcd", "no prunings"),
  kv: keyed(plain(appendCell), "kv", "no prunings"),
};
const first = Number(process.argv[2] ?? 0);
const names = (process.argv[3] ?? "register,etcd").split(",");
const seeds = Number(process.argv[4] ?? 1500);
let total = 0;
let violations = 0;
let undecided = 0;
let mismatches = 0;
for (let seed = first; seed < first + seeds; seed++) {
  for (const name of names) {
    const executor = name === "kv" ? kvExecutor(2) : registerExecutor(name === "etcd", 3);
    const ops = 4 + (seed % 36);
    const infoRate = 0.1 + (seed % 7) / 10;
    let history = generateHistory(executor, { seed, processes: 2 + (seed % 5), ops, infoRate });
    const reads = history.filter((o) => o.status === "ok" && (o.f === "read" || o.f === "get"));
    if (seed % 2 === 0 && reads.length > 0) {
      const target = reads[seed % reads.length];
      const value = name === "kv" ? "x1 " : seed % 3;
      history = history.map((o) => (o === target ? { ...o, output: value } : o));
    }
    const options = { timeoutMs: 5000 };
    const pruned = checkLinearizable(history, MODELS.get(name), options).verdict;
    const plainVerdict = checkLinearizable(history, unpruned[name], options).verdict;
    const whole = checkLinearizable(history, MODELS.get(name), {
      ...options,
      partition: false,
    }).verdict;
    total++;
    if (pruned === "violation") violations++;
    if ([pruned, plainVerdict, whole].includes("unknown")) undecided++;
    else if (pruned !== plainVerdict || pruned !== whole) {
      mismatches++;
      console.log(`MISMATCH ${name} seed ${seed}: ${pruned} / ${plainVerdict} / ${whole}`);
    }
    if (history.length <= 7) {
      const brute = bruteForceLinearizable(history, MODELS.get(name)) ? "ok" : "violation";
      if (brute !== pruned) {
        mismatches++;
        console.log(`BRUTE MISMATCH ${name} seed ${seed}: ${pruned}, brute force ${brute}`);
      }
    }
  }
}
console.log(
  `histories ${total}, violations ${violations}, undecided ${undecided}, mismatches ${mismatches}`,
);
process.exitCode = mismatches === 0 ? 0 : 1;
