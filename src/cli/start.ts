import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { nodeName } from "../core/ids.js";
import { isRecord } from "../core/validate.js";
import { ClusterView, eventText } from "../net/cluster-view.js";
import { Cluster } from "../net/launcher.js";
import type { NodeLine } from "../net/lines.js";
import { findProtocol, PROTOCOLS } from "../registry.js";
import { type Command, EXIT, intFlag, parseFlags, UsageError } from "./command.js";

/**
 * The failure detectors `--detector` selects, by short name, with the registered
 * protocol each runs (see docs/failure-detection.md).
 */
const DETECTORS: Readonly<Record<string, string>> = {
  heartbeat: "heartbeat",
  ping: "ping",
  "timeout-free": "timeout-free",
  phi: "phi",
  swim: "swim",
  gossip: "gossip-fd",
  fuse: "fuse",
};
const DETECTOR_NAMES = Object.keys(DETECTORS).join(", ");

/**
 * The leader-election algorithms `--elect` selects, by short name, with the
 * registered protocol each runs (see docs/leader-election.md).
 */
const ELECTIONS: Readonly<Record<string, string>> = {
  bully: "elect-bully",
  "next-in-line": "elect-next-in-line",
  candidate: "elect-candidate",
  invitation: "elect-invitation",
  ring: "elect-ring",
};
const ELECTION_NAMES = Object.keys(ELECTIONS).join(", ");

const HELP = `cohort start [options]

Runs a local cluster of N real node processes on loopback, each running the
same protocol object the simulator runs, over TCP (or mutual TLS). Shows each
node's view live (refreshed in place on a terminal; one line per event
otherwise) and stops every node cleanly on Ctrl-C, freeing the ports.

Options:
  --protocol NAME   protocol to run (default heartbeat; known: ${PROTOCOLS.map((p) => p.name).join(", ")})
  --detector NAME   a failure detector by its short name, instead of --protocol
                    (known: ${DETECTOR_NAMES}; gossip runs gossip-fd)
  --elect NAME      a leader-election algorithm by its short name, instead of
                    --protocol (known: ${ELECTION_NAMES})
  --raft            Raft with its key-value state machine: short for --protocol raft
  --nodes N         number of node processes, 1..64 (default 3)
  --base-port P     node i listens on 127.0.0.1:P+i (default 7400)
  --data DIR        node i keeps its storage in DIR/ni (default ./data)
  --tls-dir DIR     mutual TLS: DIR/ca.pem and, per node, DIR/ni.pem + DIR/ni.key
  --config JSON     overrides of the protocol's defaults, e.g. '{"intervalMs":50}'
  --duration S      stop by itself after S seconds (default: run until Ctrl-C)
  --log-level L     node log level on stderr: debug|info|warn|error|silent (default warn)
  --json            print every node line (ready, event, status, stopped) as JSON,
                    then one {"kind":"summary"} line; see docs/host.md

Exit status: 0 when every node stopped cleanly, 1 when one died on its own or
the cluster could not start, 2 on bad flags.
`;

const FLAGS = {
  protocol: { type: "string" },
  detector: { type: "string" },
  elect: { type: "string" },
  raft: { type: "boolean" },
  nodes: { type: "string" },
  "base-port": { type: "string" },
  data: { type: "string" },
  "tls-dir": { type: "string" },
  config: { type: "string" },
  duration: { type: "string" },
  "log-level": { type: "string" },
  json: { type: "boolean" },
} as const;

interface StartSettings {
  readonly protocol: string;
  readonly nodes: number;
  readonly basePort: number;
  readonly dataDir: string;
  readonly tlsDir: string | undefined;
  readonly config: Record<string, unknown>;
  readonly durationS: number | undefined;
  readonly logLevel: string;
  readonly json: boolean;
}

function parseSettings(argv: string[]): StartSettings {
  const { values } = parseFlags(argv, FLAGS, false);
  const protocolName = protocolFlag(values);
  const protocol = findProtocol(protocolName);
  if (protocol === undefined) {
    throw new UsageError(
      `--protocol: unknown protocol ${JSON.stringify(protocolName)} (known: ${PROTOCOLS.map((p) => p.name).join(", ")})`,
    );
  }
  const nodes = intFlag("nodes", values.nodes, 3, 1, 64);
  let config: Record<string, unknown> = {};
  if (values.config !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values.config);
    } catch (error) {
      throw new UsageError(`--config: not JSON: ${(error as Error).message}`);
    }
    if (!isRecord(parsed)) throw new UsageError("--config: expected a JSON object");
    config = parsed;
  }
  const problem = protocol.checkConfig({ ...(protocol.defaults as object), ...config });
  if (problem !== undefined) throw new UsageError(`--config: ${problem}`);
  const logLevel = values["log-level"] ?? "warn";
  if (!["debug", "info", "warn", "error", "silent"].includes(logLevel)) {
    throw new UsageError(
      `--log-level: expected debug|info|warn|error|silent, got ${JSON.stringify(logLevel)}`,
    );
  }
  const tlsDir = values["tls-dir"] === undefined ? undefined : resolve(values["tls-dir"]);
  if (tlsDir !== undefined) checkTlsDir(tlsDir, nodes);
  return {
    protocol: protocolName,
    nodes,
    basePort: intFlag("base-port", values["base-port"], 7400, 1024, 65535 - nodes + 1),
    dataDir: resolve(values.data ?? "./data"),
    tlsDir,
    config,
    durationS:
      values.duration === undefined
        ? undefined
        : intFlag("duration", values.duration, 0, 1, 86_400),
    logLevel,
    json: values.json === true,
  };
}

/**
 * The protocol named by `--protocol`, `--detector`, `--elect` or `--raft`: at most
 * one of them may be given; with none, heartbeat.
 */
function protocolFlag(values: {
  protocol?: string | undefined;
  detector?: string | undefined;
  elect?: string | undefined;
  raft?: boolean | undefined;
}): string {
  const given = (["detector", "elect", "raft", "protocol"] as const).filter(
    (flag) => values[flag] !== undefined && values[flag] !== false,
  );
  if (given.length > 1) {
    throw new UsageError(
      `${given.map((flag) => `--${flag}`).join(" and ")} ${given.length === 2 ? "both" : "all"} given; each names the protocol to run, give one`,
    );
  }
  if (values.detector !== undefined) {
    return shortName("detector", values.detector, DETECTORS, DETECTOR_NAMES);
  }
  if (values.elect !== undefined) {
    return shortName("elect", values.elect, ELECTIONS, ELECTION_NAMES);
  }
  if (values.raft === true) return "raft";
  return values.protocol ?? "heartbeat";
}

/** The registered protocol a short name stands for, or a usage error naming the known ones. */
function shortName(
  flag: string,
  value: string,
  table: Readonly<Record<string, string>>,
  known: string,
): string {
  const name = Object.hasOwn(table, value) ? table[value] : undefined;
  if (name === undefined) {
    const what = flag === "elect" ? "election algorithm" : flag;
    throw new UsageError(`--${flag}: unknown ${what} ${JSON.stringify(value)} (known: ${known})`);
  }
  return name;
}

/** Every certificate file the cluster needs must be there before any node starts. */
function checkTlsDir(dir: string, nodes: number): void {
  const names = ["ca.pem"];
  for (let i = 0; i < nodes; i++) names.push(`${nodeName(i)}.pem`, `${nodeName(i)}.key`);
  const missing = names.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    throw new UsageError(
      `--tls-dir: ${dir} lacks ${missing.join(", ")} (see docs/host.md, "Mutual TLS")`,
    );
  }
}

/** `cohort start`: a live local cluster of real processes. */
export const startCommand: Command = {
  name: "start",
  summary: "run a local cluster of real node processes on loopback",
  help: HELP,
  run: async (argv) => runStart(parseSettings(argv)),
};

async function runStart(s: StartSettings): Promise<number> {
  const view = new ClusterView(s.nodes);
  const screen = new Screen(s, view);
  let launched = false;
  let stopping = false;
  let diedOnItsOwn = false;
  screen.header();
  // Ctrl-C while the nodes are still starting: leave at once; each node sees its stdin
  // close and exits by itself (node-process --exit-with-stdin), freeing its port.
  const interruptStartup = (): void => {
    process.stderr.write("cohort start: interrupted while starting; the nodes exit as this does\n");
    process.exit(EXIT.ok);
  };
  process.once("SIGINT", interruptStartup);
  process.once("SIGTERM", interruptStartup);
  let cluster: Cluster;
  try {
    cluster = await Cluster.launch({
      nodes: s.nodes,
      basePort: s.basePort,
      protocol: s.protocol,
      config: s.config,
      dataDir: s.dataDir,
      logLevel: s.logLevel,
      statusMs: 250,
      ...(s.tlsDir === undefined ? {} : { tlsDir: s.tlsDir }),
      onLine: (line) => screen.line(line),
      onLog: (node, text) => screen.log(node, text),
      onExit: (node, code, signal) => {
        view.exited(node, code, signal);
        if (launched && !stopping) {
          diedOnItsOwn = true;
          screen.note(`${nodeName(node)} exited on its own (${code ?? signal})`);
        }
      },
    });
  } catch (error) {
    process.stderr.write(`cohort start: the cluster did not start: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    process.off("SIGINT", interruptStartup);
    process.off("SIGTERM", interruptStartup);
  }
  launched = true;
  screen.begin();
  await new Promise<void>((done) => {
    const finish = (): void => {
      stopping = true;
      done();
    };
    process.once("SIGINT", finish);
    process.once("SIGTERM", finish);
    if (s.durationS !== undefined) setTimeout(finish, s.durationS * 1000).unref();
  });
  stopping = true;
  const codes = await cluster.stop(3_000);
  screen.end(codes);
  return diedOnItsOwn || codes.some((c) => c !== 0) ? EXIT.failed : EXIT.ok;
}

/** How often plain (non-terminal) output repeats the status table. */
const PLAIN_TABLE_EVERY_MS = 5_000;

/** Renders the cluster: a table redrawn in place on a TTY, plain lines otherwise, or JSON lines. */
class Screen {
  private readonly tty: boolean;
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private firstTable: NodeJS.Timeout | undefined;
  private startedMs = performance.now();
  private readonly notes: string[] = [];

  constructor(
    private readonly s: StartSettings,
    private readonly view: ClusterView,
  ) {
    this.tty = !s.json && process.stdout.isTTY === true;
  }

  /** The opening line, before the nodes are launched. */
  header(): void {
    if (this.s.json) return;
    const last = this.s.basePort + this.s.nodes - 1;
    process.stdout.write(
      `cohort start: ${this.s.nodes} × ${this.s.protocol} on 127.0.0.1:${this.s.basePort}-${last}` +
        `${this.s.tlsDir === undefined ? "" : " (mutual TLS)"}, data in ${this.s.dataDir}. Ctrl-C stops.\n`,
    );
  }

  /** Starts the live table once every node is ready. */
  begin(): void {
    const bootS = ((performance.now() - this.startedMs) / 1000).toFixed(1);
    this.startedMs = performance.now();
    if (this.s.json) return;
    process.stdout.write(
      `all ${this.s.nodes} nodes ready after ${bootS} s; times below count from now\n`,
    );
    if (this.tty) {
      this.timer = setInterval(() => this.draw(), 250);
      this.draw();
    } else {
      // The first table waits for a round of status lines, so links and counters are filled in.
      this.firstTable = setTimeout(() => this.table(), 1_000);
      this.timer = setInterval(() => this.table(), PLAIN_TABLE_EVERY_MS);
    }
  }

  /** Plain output: the whole table, stamped, now and then (events are printed as they come). */
  private table(): void {
    process.stdout.write(`${this.elapsed()} status\n`);
    for (const row of this.view.render()) process.stdout.write(`          ${row}\n`);
  }

  line(line: NodeLine): void {
    this.view.apply(line);
    if (this.s.json) {
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    // A `view` event restates the suspect/trust events just before it; --json keeps it.
    if (line.kind === "event" && line.event.type === "view") return;
    const text = eventText(line);
    if (text === undefined) return;
    if (this.tty) this.remember(text);
    else process.stdout.write(`${this.elapsed()} ${text}\n`);
  }

  log(node: number, text: string): void {
    // Node logs are pino JSON; warnings and errors are worth showing.
    let level = 0;
    let msg = text;
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      level = typeof parsed.level === "number" ? parsed.level : 0;
      const { msg: message, why, peer, reason } = parsed;
      msg = [
        String(message ?? ""),
        peer === undefined ? "" : ` (peer ${String(peer)}`,
        peer === undefined ? "" : reason === undefined ? ")" : `, ${String(reason)})`,
        why === undefined ? "" : `: ${String(why)}`,
      ].join("");
    } catch {
      level = 50;
    }
    if (level < 40) return;
    const out = `${nodeName(node)} log: ${msg}`;
    if (this.s.json) process.stderr.write(`${out}\n`);
    else if (this.tty) this.remember(out);
    else process.stdout.write(`${this.elapsed()} ${out}\n`);
  }

  note(text: string): void {
    if (this.s.json) process.stderr.write(`cohort start: ${text}\n`);
    else if (this.tty) this.remember(text);
    else process.stdout.write(`${this.elapsed()} ${text}\n`);
  }

  end(codes: readonly (number | null)[]): void {
    clearInterval(this.timer);
    clearTimeout(this.firstTable);
    if (this.tty) this.draw();
    else if (!this.s.json) this.table();
    const summary = {
      kind: "summary",
      nodes: this.s.nodes,
      protocol: this.s.protocol,
      runMs: Math.round(performance.now() - this.startedMs),
      exitCodes: codes,
    };
    if (this.s.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    const text = codes.map((c, i) => `${nodeName(i)}=${c ?? "killed"}`).join(" ");
    process.stdout.write(
      `cohort start: stopped after ${(summary.runMs / 1000).toFixed(1)} s; exit codes ${text}; ports freed.\n`,
    );
  }

  private remember(text: string): void {
    this.notes.push(`${this.elapsed()} ${text}`);
    if (this.notes.length > 8) this.notes.shift();
  }

  private draw(): void {
    const rows = [...this.view.render(), "", "recent:", ...this.notes.map((n) => `  ${n}`)];
    const columns = process.stdout.columns || 120;
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    for (const row of rows) out += `\x1b[2K${row.slice(0, columns - 1)}\n`;
    process.stdout.write(out);
    this.drawn = rows.length;
  }

  private elapsed(): string {
    return `${((performance.now() - this.startedMs) / 1000).toFixed(3).padStart(8)}s`;
  }
}
