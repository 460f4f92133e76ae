import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { Cluster } from "../launcher.js";
import type { NodeLine } from "../lines.js";
import { freeBasePort } from "./ports.js";

/** What a test needs to run one protocol as real processes. */
export interface RealClusterOptions {
  readonly nodes: number;
  readonly protocol: string;
  readonly config: Record<string, unknown>;
  /** The cluster counts as warmed up once the last node has delivered this many messages. */
  readonly warmDelivered: number;
}

/**
 * Registers an `afterEach` that stops the cluster and removes its data folder,
 * and returns `launch()`, which starts `nodes` processes on free loopback ports
 * and resolves once the last node has heard enough of its peers for faults to start.
 */
export function useRealCluster(options: RealClusterOptions): () => Promise<Cluster> {
  let cluster: Cluster | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await cluster?.stop(1_000);
    cluster = undefined;
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });
  const last = options.nodes - 1;
  return async () => {
    dataDir = mkdtempSync(join(tmpdir(), `cohort-${options.protocol}-`));
    cluster = await Cluster.launch({
      nodes: options.nodes,
      basePort: await freeBasePort(options.nodes),
      protocol: options.protocol,
      config: options.config,
      dataDir,
      statusMs: 100,
    });
    await cluster.waitFor(
      (l) => l.kind === "status" && l.node === last && l.delivered >= options.warmDelivered,
      20_000,
    );
    return cluster;
  };
}

/** Matches the event `{ type, peer }` emitted by `node`. */
export const peerEvent =
  (node: number, type: string, peer: number) =>
  (l: NodeLine): boolean =>
    l.kind === "event" && l.node === node && l.event.type === type && l.event.peer === peer;
