import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { assert } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import { type NodeLine, parseNodeLine } from "./lines.js";

/** The package root, from either src/net or dist/net. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The compiled entry point of one node process. */
export const NODE_PROCESS_JS = join(PACKAGE_ROOT, "dist", "cli", "node-process.js");

/** How to launch a local cluster. */
export interface LaunchOptions {
  readonly nodes: number;
  readonly basePort: number;
  /** A registered protocol's name; or give `protocolModule`. */
  readonly protocol?: string;
  /** A JS module exporting `protocol`. */
  readonly protocolModule?: string;
  /** Overrides of the protocol's defaults, passed as `--config`. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly dataDir: string;
  readonly tlsDir?: string;
  readonly logLevel?: string;
  readonly statusMs?: number;
  /** More flags for every node process. */
  readonly extraArgs?: readonly string[];
  /** Called for each stdout line of any node. */
  readonly onLine?: (line: NodeLine) => void;
  /** Called for each stderr line of any node (pino JSON, or a startup error). */
  readonly onLog?: (node: NodeId, text: string) => void;
  /** Called when a node process exits. */
  readonly onExit?: (node: NodeId, code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Lines kept per node for `logs()`. */
const LOG_LINES_MAX = 2_000;
/** Lines kept in `lines`. */
const NODE_LINES_MAX = 200_000;

/**
 * N node processes on this machine, each `node dist/cli/node-process.js`.
 * Collects their stdout lines (events, status) and stderr logs, lets a test
 * signal them (SIGKILL, SIGSTOP, SIGCONT), restart one, and stops all of them
 * cleanly: SIGTERM (graceful), then SIGKILL for any still running after the grace period.
 */
export class Cluster {
  /** Every node line received, oldest first (bounded). */
  readonly lines: NodeLine[] = [];
  private readonly children: (ChildProcess | undefined)[] = [];
  private readonly logLines: string[][] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly options: LaunchOptions) {}

  /**
   * Spawns every node, waits until all listen, then starts their protocols
   * together (a start barrier, so no node suspects a peer that is merely slower
   * to boot) and resolves when all are ready. Rejects, after stopping them, if one fails.
   */
  static async launch(options: LaunchOptions, readyMsMax = 60_000): Promise<Cluster> {
    const cluster = new Cluster(options);
    const ids = Array.from({ length: options.nodes }, (_, id) => id);
    for (const id of ids) cluster.spawnNode(id);
    try {
      await Promise.all(ids.map((id) => cluster.waitKind(id, "listening", 0, readyMsMax)));
      for (const id of ids) cluster.go(id);
      await Promise.all(ids.map((id) => cluster.waitKind(id, "ready", 0, readyMsMax)));
    } catch (error) {
      await cluster.stop(500);
      throw error;
    }
    return cluster;
  }

  /** The command-line arguments of node `id`. */
  argsFor(id: NodeId): string[] {
    const o = this.options;
    const args = [NODE_PROCESS_JS, "--id", String(id), "--nodes", String(o.nodes)];
    args.push("--base-port", String(o.basePort), "--data", o.dataDir);
    args.push("--exit-with-stdin", "--start-on-stdin");
    if (o.protocolModule !== undefined) args.push("--protocol-module", o.protocolModule);
    else if (o.protocol !== undefined) args.push("--protocol", o.protocol);
    if (o.config !== undefined) args.push("--config", JSON.stringify(o.config));
    if (o.tlsDir !== undefined) args.push("--tls-dir", o.tlsDir);
    if (o.logLevel !== undefined) args.push("--log-level", o.logLevel);
    if (o.statusMs !== undefined) args.push("--status-ms", String(o.statusMs));
    args.push(...(o.extraArgs ?? []));
    return args;
  }

  /** The pid of node `id`'s current process, if running. */
  pid(id: NodeId): number | undefined {
    const child = this.children[id];
    return child !== undefined && child.exitCode === null && child.signalCode === null
      ? child.pid
      : undefined;
  }

  /** Sends `signal` to node `id`'s process. */
  signal(id: NodeId, signal: NodeJS.Signals): void {
    const child = this.children[id];
    assert(child !== undefined, `no process for node ${id}`);
    child.kill(signal);
  }

  /** Stderr lines of node `id` (its most recent ones, across restarts). */
  logs(id: NodeId): readonly string[] {
    return this.logLines[id] ?? [];
  }

  /**
   * Kills node `id` with SIGKILL (if still running), runs `whileDown` (e.g. to
   * damage its storage), starts it again and waits until it is ready.
   */
  async restart(
    id: NodeId,
    options: { readyMsMax?: number; whileDown?: () => void } = {},
  ): Promise<void> {
    const readyMsMax = options.readyMsMax ?? 60_000;
    const child = this.children[id];
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGKILL");
      await exited;
    }
    options.whileDown?.();
    const from = this.lines.length;
    this.spawnNode(id);
    await this.waitKind(id, "listening", from, readyMsMax);
    this.go(id);
    await this.waitKind(id, "ready", from, readyMsMax);
  }

  /**
   * Resolves with the first line at index >= `fromIndex` that `match` accepts;
   * rejects after `timeoutMs` saying what it was waiting for.
   */
  waitFor(
    match: (line: NodeLine) => boolean,
    timeoutMs: number,
    fromIndex = 0,
    what = "a line",
  ): Promise<NodeLine> {
    return this.waitUntil(() => this.lines.slice(fromIndex).find(match), timeoutMs, what);
  }

  /** Resolves with the first stderr line of node `id` that `pattern` matches. */
  waitForLog(id: NodeId, pattern: RegExp, timeoutMs: number): Promise<string> {
    return this.waitUntil(
      () => this.logs(id).find((l) => pattern.test(l)),
      timeoutMs,
      `log ${pattern} from n${id}`,
    );
  }

  /**
   * Stops every node: SIGCONT (a stopped process cannot handle SIGTERM), SIGTERM,
   * then SIGKILL after `graceMs`. Resolves with each node's exit code (null when killed).
   */
  async stop(graceMs = 3_000): Promise<(number | null)[]> {
    const exits = this.children.map((child) => {
      if (child === undefined) return Promise.resolve(null);
      if (child.exitCode !== null || child.signalCode !== null)
        return Promise.resolve(child.exitCode);
      return new Promise<number | null>((done) => {
        child.once("exit", (code) => done(code));
        child.kill("SIGCONT");
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), graceMs).unref();
      });
    });
    return Promise.all(exits);
  }

  private spawnNode(id: NodeId): void {
    // Own process group: a Ctrl-C at the terminal reaches the launcher, which stops the
    // nodes in order, not every node at once; a launcher that dies closes their stdin.
    const child = spawn(process.execPath, this.argsFor(id), {
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    this.children[id] = child;
    const logs = this.logLines[id] ?? [];
    this.logLines[id] = logs;
    createInterface({ input: child.stdout }).on("line", (text) => {
      const line = parseNodeLine(text);
      if (line === undefined) return;
      if (this.lines.length < NODE_LINES_MAX) this.lines.push(line);
      this.options.onLine?.(line);
      this.wake();
    });
    createInterface({ input: child.stderr }).on("line", (text) => {
      logs.push(text);
      if (logs.length > LOG_LINES_MAX) logs.splice(0, logs.length - LOG_LINES_MAX);
      this.options.onLog?.(id, text);
      this.wake();
    });
    child.stdin.on("error", () => {});
    child.on("exit", (code, signal) => {
      this.options.onExit?.(id, code, signal);
      this.wake();
    });
  }

  /** Tells node `id` to start its protocol (the start barrier). */
  private go(id: NodeId): void {
    this.children[id]?.stdin?.write("go\n");
  }

  private waitKind(
    id: NodeId,
    kind: "listening" | "ready",
    fromIndex: number,
    timeoutMs: number,
  ): Promise<NodeLine> {
    const child = this.children[id];
    return this.waitUntil(
      () => {
        const line = this.lines.slice(fromIndex).find((l) => l.kind === kind && l.node === id);
        if (line !== undefined) return line;
        if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
          const why = this.logs(id).slice(-12).join(" | ");
          throw new Error(
            `node n${id} exited (${child.exitCode ?? child.signalCode}) before ${kind}: ${why}`,
          );
        }
        return undefined;
      },
      timeoutMs,
      `n${id} ${kind}`,
    );
  }

  private waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolveWait, rejectWait) => {
      const check = (): void => {
        let found: T | undefined;
        try {
          found = probe();
        } catch (error) {
          finish();
          rejectWait(error);
          return;
        }
        if (found === undefined) return;
        finish();
        resolveWait(found);
      };
      const timer = setTimeout(() => {
        finish();
        rejectWait(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
