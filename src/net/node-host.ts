import type { Server } from "node:http";
import { join } from "node:path";
import { type NodeId, nodeName } from "../core/ids.js";
import type { Logger } from "../core/observe.js";
import type { AnyProtocol, ProtocolNode } from "../core/protocol.js";
import { FileStorage } from "./file-storage.js";
import { HostEnv } from "./host-env.js";
import type { NetLimits } from "./limits.js";
import type { NodeLine } from "./lines.js";
import { type LogLevel, stderrLogger } from "./logger.js";
import { PromMetrics } from "./metrics.js";
import { cryptoRandom } from "./random.js";
import { countReason } from "./stats.js";
import { loadTls } from "./tls.js";
import { TcpTransport } from "./transport.js";

/** Everything one node process needs to run. */
export interface NodeHostOptions {
  readonly id: NodeId;
  readonly nodes: number;
  /** Node i listens on `basePort + i`. */
  readonly basePort: number;
  /** Interface to listen on and dial; loopback unless told otherwise. */
  readonly host: string;
  readonly protocol: AnyProtocol;
  /** The protocol's configuration, already merged with its defaults and checked. */
  readonly config: unknown;
  /** This node's storage lives in `dataDir/nI/`. */
  readonly dataDir: string;
  /** Directory of `ca.pem`, `nI.pem`, `nI.key` for mutual TLS. */
  readonly tlsDir?: string;
  readonly limits: NetLimits;
  readonly logLevel: LogLevel;
  /** Serve Prometheus metrics on this loopback port (0 = any free one). */
  readonly metricsPort?: number;
  readonly statusIntervalMs: number;
  /** How long `stop()` lets the node run after calling its `stop` handler. */
  readonly stopGraceMs: number;
  /** Where the node's stdout lines go. */
  readonly out: (line: NodeLine) => void;
  /**
   * Resolves when the protocol may start. The node listens and dials its peers
   * first (reporting `listening`), so a launcher can start every node of a
   * cluster at the same moment instead of one process start-up apart.
   */
  readonly startGate?: Promise<void>;
  /** A protocol handler threw: a programmer error; the caller should exit. */
  readonly onFatal: (error: unknown) => void;
}

/** A running node. */
export interface RunningNode {
  readonly port: number;
  readonly transport: TcpTransport;
  /** Graceful stop: the protocol's `stop`, a grace period, then close everything. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Opens storage, listens, dials peers and starts the protocol node with
 * `recovered = true` when its storage existed. Emits `listening` once the
 * port is bound, waits for `startGate`, then emits `ready` once started,
 * then `event` lines and a `status` line every `statusIntervalMs`.
 * Rejects when the port is taken or the TLS files cannot be read.
 */
export async function runNodeHost(options: NodeHostOptions): Promise<RunningNode> {
  const host = new NodeHost(options);
  const { port, metricsPort } = await host.open();
  options.out({ kind: "listening", node: options.id, pid: process.pid, port });
  if (options.startGate !== undefined) {
    await options.startGate;
    host.transport.redialNow();
  }
  host.start();
  options.out({
    kind: "ready",
    node: options.id,
    pid: process.pid,
    port,
    ...(metricsPort === undefined ? {} : { metricsPort }),
    recovered: host.storage.existed,
    recovery: host.storage.recovery,
  });
  return { port, transport: host.transport, stop: () => host.stop() };
}

/** One node's host: its storage, transport, env and protocol node, wired together. */
class NodeHost {
  readonly storage: FileStorage;
  readonly transport: TcpTransport;
  private readonly env: HostEnv;
  private readonly log: Logger;
  private readonly metrics: PromMetrics;
  /** Set by `start`: until then inbound messages are dropped as `notStarted`. */
  private node: ProtocolNode<unknown, unknown> | undefined;
  private server: Server | undefined;
  private status: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: NodeHostOptions) {
    const { id, nodes, protocol } = options;
    this.log = stderrLogger(nodeName(id), options.logLevel).log;
    this.metrics = new PromMetrics(nodeName(id));
    const random = cryptoRandom();
    this.storage = new FileStorage(join(options.dataDir, nodeName(id)));
    const cluster = Array.from({ length: nodes }, (_, i) => i);
    this.transport = new TcpTransport({
      self: id,
      addresses: cluster.map((i) => ({ host: options.host, port: options.basePort + i })),
      protocol: protocol.name,
      validate: (msg) => protocol.validate(msg),
      deliver: (from, msg) => this.deliver(from, msg),
      limits: options.limits,
      log: this.log,
      random,
      ...(options.tlsDir === undefined ? {} : { tls: loadTls(options.tlsDir, id) }),
    });
    this.env = new HostEnv({
      self: id,
      cluster,
      storage: this.storage,
      log: this.log,
      metrics: this.metrics,
      random,
      send: (to, msg) => this.send(to, msg),
      emit: (event) =>
        options.out({ kind: "event", node: id, atMs: round(performance.now()), event }),
      fire: (tag) => this.guard("onTimer", () => this.node?.onTimer(tag)),
    });
  }

  /** Listens, serves metrics if asked, dials the peers. */
  async open(): Promise<{ port: number; metricsPort: number | undefined }> {
    const port = await this.transport.listen();
    const { metricsPort } = this.options;
    const served = metricsPort === undefined ? undefined : await this.metrics.serve(metricsPort);
    this.server = served?.server;
    this.transport.connect();
    return { port, metricsPort: served?.port };
  }

  /** Builds and starts the protocol node, then reports status periodically. */
  start(): void {
    const { id, protocol, config, statusIntervalMs, out } = this.options;
    const node: ProtocolNode<unknown, unknown> = protocol.create(id, config);
    this.node = node;
    this.guard("start", () => node.start(this.env, this.storage.existed));
    this.status = setInterval(() => {
      publishTransportMetrics(this.metrics, this.transport);
      out(statusLine(id, this.env, this.transport));
    }, statusIntervalMs);
  }

  /** Graceful stop; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= shutdown({
      node: this.node,
      env: this.env,
      transport: this.transport,
      storage: this.storage,
      status: this.status,
      server: this.server,
      options: this.options,
    });
    return this.stopping;
  }

  private deliver(from: NodeId, msg: unknown): void {
    // Until the protocol has started (the start barrier), the node is not running: drop.
    const node = this.node;
    if (node === undefined) {
      countReason(this.transport.stats.dropped, "notStarted");
      return;
    }
    // No closure per message: this is the receive hot path.
    try {
      node.onMessage(from, msg);
    } catch (error) {
      this.fatal("onMessage", error);
    }
  }

  private send(to: NodeId, msg: unknown): void {
    if (to !== this.options.id) {
      this.transport.send(to, msg);
      return;
    }
    setImmediate(() => this.guard("onMessage", () => this.node?.onMessage(to, msg)));
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.fatal(what, error);
    }
  }

  private fatal(what: string, error: unknown): void {
    this.log.error("protocol handler threw", {
      what,
      error: (error as Error).stack ?? String(error),
    });
    this.options.onFatal(error);
  }
}

async function shutdown(parts: {
  node: ProtocolNode<unknown, unknown> | undefined;
  env: HostEnv;
  transport: TcpTransport;
  storage: FileStorage;
  status: NodeJS.Timeout | undefined;
  server: Server | undefined;
  options: NodeHostOptions;
}): Promise<void> {
  const { env, transport, storage, options } = parts;
  clearInterval(parts.status);
  if (parts.node?.stop !== undefined) {
    parts.node.stop();
    await new Promise((resolve) => setTimeout(resolve, options.stopGraceMs));
  }
  env.shutdown();
  await transport.close();
  storage.close();
  parts.server?.close();
  options.out({ kind: "stopped", node: options.id, atMs: round(env.now()) });
}

function cpuMsUsed(): number {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
}

function statusLine(id: NodeId, env: HostEnv, transport: TcpTransport): NodeLine {
  const s = transport.stats;
  return {
    kind: "status",
    node: id,
    atMs: round(env.now()),
    connected: transport.connectedPeers(),
    sent: s.sent,
    delivered: s.delivered,
    dropped: { ...s.dropped },
    rejected: { ...s.rejected },
    cpuMs: cpuMsUsed(),
  };
}

function publishTransportMetrics(metrics: PromMetrics, transport: TcpTransport): void {
  const s = transport.stats;
  metrics.set("net_sent", s.sent);
  metrics.set("net_delivered", s.delivered);
  metrics.set("net_bytes_out", s.bytesOut);
  metrics.set("net_bytes_in", s.bytesIn);
  metrics.set("net_dropped", sum(s.dropped));
  metrics.set("net_rejected", sum(s.rejected));
  metrics.set("net_connected_peers", transport.connectedPeers().length);
}

function sum(counts: Record<string, number>): number {
  let total = 0;
  for (const n of Object.values(counts)) total += n;
  return total;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
