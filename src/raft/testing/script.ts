import { assert } from "../../core/assert.js";
import type { NodeId } from "../../core/ids.js";
import type { RaftConfig } from "../config.js";
import type { KvOp } from "../kv.js";
import { formatMembership } from "./format.js";
import { type Envelope, TestNet } from "./net.js";

const CLIENT: NodeId = 99;
const ADMIN: NodeId = 98;

/**
 * Runs an interaction script in the style of etcd's raft `testdata/*.txt`:
 * blocks of comment lines (`#`), one command, `----`, and the output it must
 * produce, separated by blank lines. Returns the same text with each block's
 * output replaced by what the run printed, so a test compares it with the file
 * and `UPDATE=1` rewrites the file for review as a diff. Pure: no I/O.
 *
 * Commands: `add-nodes N [key=value…]` (ids 1..N; config overrides; `start=false`
 * to preload first), `preload ID term=T log=1,1,2`, `start`, `campaign ID`,
 * `deliver [FROM->TO]`, `drop [FROM->TO]` (`*` matches any node), `stabilize`,
 * `tick ID [N]`, `tick-all [N]`, `crash ID`, `restart ID`,
 * `partition 1 2 | 3`, `heal`, `put ID KEY VALUE`, `get ID KEY`, `status`;
 * membership: `add-nodes N members=M` (only 1..M in the initial configuration),
 * `add-learner ID NODE`, `promote ID NODE`, `remove ID NODE` (an administrator,
 * n98, asks node ID), `config` (each node's configuration in force).
 */
export function runScript(text: string): string {
  const out: string[] = [];
  const state: { net: TestNet | undefined; seq: number } = { net: undefined, seq: 0 };
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.startsWith("#") || line.trim() === "") {
      out.push(line);
      i++;
      continue;
    }
    assert(
      lines[i + 1] === "----",
      `script line ${i + 2}: expected ---- after the command "${line}"`,
    );
    i += 2;
    while (i < lines.length && (lines[i] as string).trim() !== "") i++;
    out.push(line, "----", ...execute(state, line, i));
  }
  return out.join("\n");
}

function execute(
  state: { net: TestNet | undefined; seq: number },
  line: string,
  lineNo: number,
): string[] {
  const [command, ...args] = line.trim().split(/\s+/);
  if (command === "add-nodes") {
    state.net = addNodes(args);
    return take(state.net);
  }
  const net = state.net;
  assert(net !== undefined, `script line ${lineNo}: ${command} before add-nodes`);
  const id = Number(args[0]);
  switch (command) {
    case "preload": {
      const opts = options(args.slice(1));
      const terms = String(opts.log ?? "")
        .split(",")
        .filter((t) => t !== "")
        .map(Number);
      net.preload(id, Number(opts.term ?? 0), null, terms);
      break;
    }
    case "start":
      net.startAll();
      break;
    case "campaign":
      net.campaign(id);
      break;
    case "deliver":
      net.deliver(matcher(args[0]));
      break;
    case "drop":
      net.drop(matcher(args[0]));
      break;
    case "stabilize":
      net.stabilize();
      break;
    case "tick":
      net.tick(id, Number(args[1] ?? 1));
      break;
    case "tick-all":
      for (let t = 0; t < Number(args[0] ?? 1); t++)
        for (const n of net.ids) if (net.isUp(n)) net.tick(n);
      break;
    case "crash":
      net.crash(id);
      break;
    case "restart":
      net.restart(id);
      break;
    case "partition":
      net.partition(
        args
          .join(" ")
          .split("|")
          .map((g) => g.trim().split(/\s+/).map(Number)),
      );
      break;
    case "heal":
      net.heal();
      break;
    case "put":
    case "get": {
      const key = args[1] ?? "";
      const op: KvOp =
        command === "put" ? { op: "put", key, value: args[2] ?? "" } : { op: "get", key };
      state.seq++;
      net.inject(CLIENT, id, {
        type: "kv",
        msgId: state.seq,
        clientId: CLIENT,
        seq: state.seq,
        op,
      });
      break;
    }
    case "add-learner":
    case "promote":
    case "remove": {
      const op = command === "add-learner" ? "addLearner" : command;
      state.seq++;
      net.inject(ADMIN, id, {
        type: "membership",
        msgId: state.seq,
        change: { op, node: Number(args[1]) },
      });
      break;
    }
    case "config":
      return [...take(net), ...configs(net)];
    case "status":
      return [...take(net), ...status(net)];
    default:
      throw new Error(`script line ${lineNo}: unknown command ${command}`);
  }
  return take(net);
}

function options(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const [k, v] = arg.split("=");
    if (k !== undefined && v !== undefined) out[k] = v;
  }
  return out;
}

function addNodes(args: readonly string[]): TestNet {
  const count = Number(args[0]);
  const opts = options(args.slice(1));
  const config: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (k === "start" || k === "members") continue;
    config[k] = v === "true" ? true : v === "false" ? false : Number(v);
  }
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  const members = opts.members === undefined ? ids : ids.slice(0, Number(opts.members));
  const net = new TestNet({ ids, members, config: config as Partial<RaftConfig>, trace: true });
  if (opts.start !== "false") net.startAll();
  return net;
}

function matcher(spec: string | undefined): (e: Envelope) => boolean {
  if (spec === undefined) return () => true;
  const [from, to] = spec.split("->");
  const match = (side: string | undefined, id: NodeId) =>
    side === "*" || side === undefined || Number(side) === id;
  return (e) => match(from, e.from) && match(to, e.to);
}

function take(net: TestNet): string[] {
  const lines = net.trace.splice(0, net.trace.length);
  return lines;
}

function configs(net: TestNet): string[] {
  return net.ids.map((id) => {
    const v = net.raft(id)?.inspect();
    if (v === undefined) return `n${id} down`;
    return `n${id} ${formatMembership(v.membership)} (index ${v.membershipIndex}, commit ${v.commitIndex})`;
  });
}

function status(net: TestNet): string[] {
  return net.ids.map((id) => {
    const node = net.raft(id);
    if (node === undefined) return `n${id} down`;
    const v = node.inspect();
    const log = v.log.map((e) => `${e.index}/${e.term}`).join(" ");
    const vote = v.vote === null ? "none" : `n${v.vote}`;
    return `n${id} ${v.role} term=${v.term} vote=${vote} commit=${v.commitIndex} applied=${v.appliedIndex} log=[${log}]`;
  });
}
