import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeBasePort } from "../net/testing/ports.js";
import { summarizeLatencies } from "../raft/load-stats.js";
import { LeanHttpConnection } from "./bench-raft-http.js";
import { type LoadRun, processCpuMs, sampleBetween } from "./bench-raft-run.js";

/** The etcd server binary's version line, or undefined when `etcd` is not installed. */
export function etcdVersion(binary: string): string | undefined {
  const run = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (run.error !== undefined || run.status !== 0) return undefined;
  return /etcd Version: (\S+)/.exec(run.stdout)?.[1];
}

/** How to load etcd: the same closed loop as the Raft driver's clients. */
export interface EtcdLoadOptions {
  readonly binary: string;
  readonly clients: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly keys: number;
  readonly valueBytes: number;
}

/** A 3-member etcd cluster on loopback, each member with its own fresh data directory. */
class EtcdCluster {
  readonly children: ChildProcess[] = [];
  readonly clientUrls: string[] = [];
  private readonly logs: string[][] = [];

  private constructor(private readonly dataDir: string) {}

  static async start(binary: string, members: number): Promise<EtcdCluster> {
    const cluster = new EtcdCluster(mkdtempSync(join(tmpdir(), "cohort-bench-etcd-")));
    const clientBase = await freeBasePort(members);
    let peerBase = await freeBasePort(members);
    while (Math.abs(peerBase - clientBase) < members) peerBase = await freeBasePort(members);
    const name = (i: number): string => `e${i}`;
    const peer = (i: number): string => `http://127.0.0.1:${peerBase + i}`;
    const initial = Array.from({ length: members }, (_, i) => `${name(i)}=${peer(i)}`).join(",");
    for (let i = 0; i < members; i++) {
      const client = `http://127.0.0.1:${clientBase + i}`;
      cluster.clientUrls.push(client);
      const child = spawn(
        binary,
        [
          `--name=${name(i)}`,
          `--data-dir=${join(cluster.dataDir, name(i))}`,
          `--listen-client-urls=${client}`,
          `--advertise-client-urls=${client}`,
          `--listen-peer-urls=${peer(i)}`,
          `--initial-advertise-peer-urls=${peer(i)}`,
          `--initial-cluster=${initial}`,
          `--initial-cluster-token=cohort-bench-${clientBase}`,
          "--initial-cluster-state=new",
          "--logger=zap",
          "--log-level=error",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      const log: string[] = [];
      cluster.logs.push(log);
      child.stderr?.on("data", (d: Buffer) => {
        log.push(d.toString());
        if (log.length > 50) log.shift();
      });
      cluster.children.push(child);
    }
    try {
      await cluster.waitLeader(30_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The client URL of the member that leads, once one does. */
  async waitLeader(timeoutMs: number): Promise<string> {
    const until = performance.now() + timeoutMs;
    for (;;) {
      for (const url of this.clientUrls) {
        try {
          const status = (await post(url, "/v3/maintenance/status", {})) as {
            header?: { member_id?: string };
            leader?: string;
          };
          if (status.leader !== undefined && status.leader === status.header?.member_id) {
            // A put must go through before the run starts.
            await post(url, "/v3/kv/put", { key: b64("warm"), value: b64("up") });
            return url;
          }
        } catch {
          // not up yet
        }
      }
      if (performance.now() > until) {
        throw new Error(
          `etcd: no leader after ${timeoutMs} ms: ${this.logs.flat().slice(-5).join(" ")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              done();
              return;
            }
            child.once("exit", () => done());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 3_000).unref();
          }),
      ),
    );
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

const b64 = (text: string): string => Buffer.from(text).toString("base64");

/** POSTs JSON to etcd's v3 JSON gateway and resolves with the parsed answer; rejects on a non-200. */
function post(base: string, path: string, body: unknown): Promise<unknown> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200)
            reject(new Error(`etcd ${path}: HTTP ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`etcd ${path}: no answer in 10 s`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * One run against a fresh 3-member etcd on loopback: `clients` concurrent
 * loops, each putting a `valueBytes` value to a random one of `keys` keys and
 * waiting for the answer before the next, over HTTP keep-alive connections to
 * the leader's JSON gateway (`/v3/kv/put`), one connection per client. Puts that return within
 * `[warmupMs, warmupMs + durationMs)` count, as in the Raft driver.
 */
export async function runEtcdLoad(o: EtcdLoadOptions): Promise<LoadRun> {
  const cluster = await EtcdCluster.start(o.binary, 3);
  const connections: LeanHttpConnection[] = [];
  try {
    const leader = new URL(await cluster.waitLeader(10_000));
    const start = performance.now();
    const from = start + o.warmupMs;
    const to = from + o.durationMs;
    const latencies: number[] = [];
    let ok = 0;
    let fail = 0;
    const pad = "x".repeat(o.valueBytes);
    const cpu = sampleBetween(o.warmupMs, o.warmupMs + o.durationMs, () =>
      cluster.children.reduce((sum, child) => sum + processCpuMs(child.pid), 0),
    );
    const clientCpu = sampleBetween(o.warmupMs, o.warmupMs + o.durationMs, () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    });
    const loop = async (c: number): Promise<void> => {
      const connection = new LeanHttpConnection(leader.hostname, Number(leader.port));
      connections.push(connection);
      for (let seq = 1; performance.now() < to; seq++) {
        const prefix = `${c}.${seq}.`;
        const body = JSON.stringify({
          key: b64(`k${Math.floor(Math.random() * o.keys)}`),
          value: b64((prefix + pad.slice(prefix.length)).slice(0, o.valueBytes)),
        });
        const t0 = performance.now();
        let good = true;
        try {
          good = (await connection.post("/v3/kv/put", body)) === 200;
        } catch {
          good = false;
        }
        const t1 = performance.now();
        if (t1 < from || t1 >= to) continue;
        if (good) {
          ok++;
          latencies.push(t1 - t0);
        } else {
          fail++;
        }
      }
    };
    await Promise.all(Array.from({ length: o.clients }, (_, c) => loop(c)));
    const perKiloPut = (cpuMs: number): number => Math.round((cpuMs / ok) * 1000 * 10) / 10;
    return {
      serverCpuMsPerKiloPut: perKiloPut(await cpu),
      clientCpuMsPerKiloPut: perKiloPut(await clientCpu),
      ok,
      fail,
      okPerSec: Math.round((ok / (o.durationMs / 1000)) * 10) / 10,
      ...summarizeLatencies(latencies),
    };
  } finally {
    for (const connection of connections) connection.close();
    await cluster.stop();
  }
}
