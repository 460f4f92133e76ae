#!/usr/bin/env node
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import type { AnyProtocol } from "../core/protocol.js";
import { isRecord } from "../core/validate.js";
import { checkLimits, DEFAULT_LIMITS, type NetLimits } from "../net/limits.js";
import type { NodeLine } from "../net/lines.js";
import { LOG_LEVELS, type LogLevel } from "../net/logger.js";
import { runNodeHost } from "../net/node-host.js";
import { EXIT, intFlag, parseFlags, UsageError } from "./command.js";

/**
 * The entry point of one node process of a real cluster: parses its flags,
 * finds the protocol, and runs it on the real host until SIGTERM or SIGINT
 * (graceful stop, exit 0) or until its stdin closes when `--exit-with-stdin`
 * (so children die with the launcher that started them). Bad flags exit 2.
 * Stdout carries JSON lines (see src/net/lines.ts); stderr carries pino logs.
 */
const HELP = `node dist/cli/node-process.js --id I --nodes N [options]

  --id I                 this node's id, 0..N-1 (required)
  --nodes N              cluster size, 1..1000 (required)
  --base-port P          node i listens on P+i (default 7400)
  --host ADDR            address to listen on and dial (default 127.0.0.1)
  --protocol NAME        a protocol from the registry (default heartbeat)
  --protocol-module FILE a JS module whose export \`protocol\` is run instead
  --config JSON          overrides of the protocol's default configuration
  --data DIR             storage lives in DIR/nI (default ./data)
  --tls-dir DIR          mutual TLS with DIR/ca.pem, DIR/nI.pem, DIR/nI.key
  --metrics-port P       serve Prometheus /metrics on 127.0.0.1:P
  --log-level L          debug|info|warn|error|silent (default info)
  --status-ms MS         status line period (default 500)
  --stop-grace-ms MS     how long a graceful stop lets the node run (default 200)
  --frame-bytes-max B    largest frame accepted (default ${DEFAULT_LIMITS.frameBytesMax})
  --send-queue-max N     messages queued per peer before drops (default ${DEFAULT_LIMITS.sendQueueMax})
  --exit-with-stdin      stop gracefully when stdin closes
  --start-on-stdin       listen and dial peers, but start the protocol only when
                         the line "go" arrives on stdin (a launcher's start barrier)
`;

const FLAGS = {
  id: { type: "string" },
  nodes: { type: "string" },
  "base-port": { type: "string" },
  host: { type: "string" },
  protocol: { type: "string" },
  "protocol-module": { type: "string" },
  config: { type: "string" },
  data: { type: "string" },
  "tls-dir": { type: "string" },
  "metrics-port": { type: "string" },
  "log-level": { type: "string" },
  "status-ms": { type: "string" },
  "stop-grace-ms": { type: "string" },
  "frame-bytes-max": { type: "string" },
  "send-queue-max": { type: "string" },
  "exit-with-stdin": { type: "boolean" },
  "start-on-stdin": { type: "boolean" },
} as const;

/** Resolves when the line `go` arrives on stdin. */
function goFromStdin(): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      if (line.trim() !== "go") return;
      lines.close();
      resolve();
    });
  });
}

async function loadProtocol(
  name: string | undefined,
  modulePath: string | undefined,
): Promise<AnyProtocol> {
  if (modulePath !== undefined) {
    let mod: unknown;
    try {
      mod = await import(pathToFileURL(resolve(modulePath)).href);
    } catch (error) {
      throw new UsageError(
        `--protocol-module: cannot load ${modulePath}: ${(error as Error).message}`,
      );
    }
    const protocol = isRecord(mod) ? mod.protocol : undefined;
    if (
      !isRecord(protocol) ||
      typeof protocol.create !== "function" ||
      typeof protocol.validate !== "function"
    ) {
      throw new UsageError(
        `--protocol-module: ${modulePath} exports no \`protocol\` with create and validate`,
      );
    }
    return protocol as unknown as AnyProtocol;
  }
  const wanted = name ?? "heartbeat";
  // Loaded only here, so a node running --protocol-module does not load every protocol.
  const { findProtocol, PROTOCOLS } = await import("../registry.js");
  const found = findProtocol(wanted);
  if (found === undefined) {
    const known = PROTOCOLS.map((p) => p.name).join(", ") || "none registered";
    throw new UsageError(
      `--protocol: unknown protocol ${JSON.stringify(wanted)} (known: ${known})`,
    );
  }
  return found;
}

function mergeConfig(protocol: AnyProtocol, text: string | undefined): unknown {
  let overrides: unknown = {};
  if (text !== undefined) {
    try {
      overrides = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--config: not JSON: ${(error as Error).message}`);
    }
    if (!isRecord(overrides)) throw new UsageError("--config: expected a JSON object");
  }
  const config = { ...(protocol.defaults as object), ...(overrides as object) };
  const problem = protocol.checkConfig(config);
  if (problem !== undefined) throw new UsageError(`--config: ${problem}`);
  return config;
}

function parseLimits(values: Record<string, string | boolean | undefined>): NetLimits {
  const str = (k: string): string | undefined =>
    typeof values[k] === "string" ? values[k] : undefined;
  const limits: NetLimits = {
    ...DEFAULT_LIMITS,
    frameBytesMax: intFlag(
      "frame-bytes-max",
      str("frame-bytes-max"),
      DEFAULT_LIMITS.frameBytesMax,
      16,
      1 << 30,
    ),
    sendQueueMax: intFlag(
      "send-queue-max",
      str("send-queue-max"),
      DEFAULT_LIMITS.sendQueueMax,
      1,
      1 << 24,
    ),
  };
  const problem = checkLimits(limits);
  if (problem !== undefined) throw new UsageError(problem);
  return limits;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS, false);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (values.id === undefined) throw new UsageError("--id: required");
  if (values.nodes === undefined) throw new UsageError("--nodes: required");
  const nodes = intFlag("nodes", values.nodes, 3, 1, 1000);
  const id = intFlag("id", values.id, 0, 0, nodes - 1);
  const basePort = intFlag("base-port", values["base-port"], 7400, 1, 65535 - nodes + 1);
  const logLevel = values["log-level"] ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(
      `--log-level: expected one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`,
    );
  }
  const protocol = await loadProtocol(values.protocol, values["protocol-module"]);
  const config = mergeConfig(protocol, values.config);
  const limits = parseLimits(values);
  const metricsPort =
    values["metrics-port"] === undefined
      ? undefined
      : intFlag("metrics-port", values["metrics-port"], 0, 0, 65535);
  const out = (line: NodeLine): void => {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  // Listen for a stop from the very start: a launcher may give up during the start barrier.
  const stopRequested = stopSignal(values["exit-with-stdin"] === true);
  const startup = runNodeHost({
    id,
    nodes,
    basePort,
    host: values.host ?? "127.0.0.1",
    protocol,
    config,
    dataDir: values.data ?? "./data",
    ...(values["tls-dir"] === undefined ? {} : { tlsDir: values["tls-dir"] }),
    limits,
    logLevel: logLevel as LogLevel,
    ...(metricsPort === undefined ? {} : { metricsPort }),
    statusIntervalMs: intFlag("status-ms", values["status-ms"], 500, 10, 600_000),
    stopGraceMs: intFlag("stop-grace-ms", values["stop-grace-ms"], 200, 0, 60_000),
    out,
    ...(values["start-on-stdin"] ? { startGate: goFromStdin() } : {}),
    onFatal: () => process.exit(70),
  });
  let running: Awaited<typeof startup> | undefined;
  try {
    running = await Promise.race([startup, stopRequested.then(() => undefined)]);
  } catch (error) {
    process.stderr.write(`node n${id}: cannot start: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  // Stopped before the protocol started: nothing to hand over, just exit.
  if (running === undefined) return EXIT.ok;
  await stopRequested;
  await running.stop();
  return EXIT.ok;
}

/** Resolves on SIGTERM, SIGINT, a broken stdout, or (when asked) the end of stdin. */
function stopSignal(withStdin: boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    process.stdout.on("error", stop);
    if (withStdin) {
      process.stdin.on("end", stop);
      process.stdin.on("close", stop);
      process.stdin.resume();
    }
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`node-process: ${error.message}\n`);
      process.exit(EXIT.usage);
    }
    process.stderr.write(
      `node-process: internal error: ${(error as Error).stack ?? String(error)}\n`,
    );
    process.exit(70);
  },
);
