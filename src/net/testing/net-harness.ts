import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NodeId } from "../../core/ids.js";
import { Cluster, PACKAGE_ROOT } from "../launcher.js";
import type { HostEvent, HostHarness } from "./host-contract.js";
import { freeBasePort } from "./ports.js";
import type { ProbeConfig } from "./probe.js";

const PROBE = join(PACKAGE_ROOT, "dist", "net", "testing", "probe.js");

/**
 * The real host under the host contract: each node an OS process
 * (`dist/cli/node-process.js`) on loopback, restarts by SIGKILL, time real.
 */
export class NetHarness implements HostHarness {
  private cluster: Cluster | undefined;
  private dataDir: string | undefined;

  async launch(nodes: number, config: Partial<ProbeConfig>): Promise<void> {
    this.dataDir = mkdtempSync(join(tmpdir(), "cohort-contract-"));
    this.cluster = await Cluster.launch({
      nodes,
      basePort: await freeBasePort(nodes),
      protocolModule: PROBE,
      config,
      dataDir: this.dataDir,
      statusMs: 100,
    });
  }

  events(): readonly HostEvent[] {
    return (this.cluster?.lines ?? []).flatMap((l) =>
      l.kind === "event" ? [{ node: l.node, event: l.event }] : [],
    );
  }

  async runUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async restart(node: NodeId): Promise<void> {
    await this.cluster?.restart(node);
  }

  async close(): Promise<void> {
    await this.cluster?.stop(1_000);
    if (this.dataDir !== undefined) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
