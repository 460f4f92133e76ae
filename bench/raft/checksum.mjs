// What one message checksum costs: `messageChecksum` (CRC32C of the canonical
// msgpack encoding) against CRC32C of JSON.stringify, per message, for three
// typical Raft messages. Build first:
//   npx tsc -p . && node bench/raft/checksum.mjs [--iterations 200000]
import { parseArgs } from "node:util";
import { crc32c } from "@node-rs/crc32";
import { messageChecksum } from "../../dist/raft/integrity.js";

const { values } = parseArgs({ options: { iterations: { type: "string", default: "200000" } } });
const iterations = Number(values.iterations);
const entries = Array.from({ length: 8 }, (_, i) => ({
  term: 3,
  index: 100 + i,
  data: { clientId: 17, seq: 40 + i, op: { op: "put", key: "k12", value: "5.123" } },
}));
const messages = {
  "appendEntries, 8 entries": {
    type: "appendEntries",
    term: 3,
    prevLogIndex: 99,
    prevLogTerm: 3,
    entries,
    leaderCommit: 98,
  },
  heartbeat: { type: "heartbeat", term: 3, commit: 98, readSeq: 12, sentAt: 12345.678 },
  appendEntriesOk: {
    type: "appendEntriesOk",
    term: 3,
    success: true,
    index: 107,
    conflictTerm: 0,
    conflictIndex: 0,
  },
};
const schemes = {
  msgpack: (m) => messageChecksum(m),
  json: (m) => crc32c(JSON.stringify(m)),
};
const rows = [];
for (const [name, msg] of Object.entries(messages)) {
  const row = { message: name };
  for (const [scheme, f] of Object.entries(schemes)) {
    let x = 0;
    for (let i = 0; i < iterations / 10; i++) x ^= f(msg); // warm up
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) x ^= f(msg);
    row[`${scheme}Us`] = Math.round(((performance.now() - t0) / iterations) * 1e5) / 100;
    if (x === 0.5) console.log(x); // keep x alive
  }
  rows.push(row);
}
console.log(JSON.stringify({ iterations, rows }));
