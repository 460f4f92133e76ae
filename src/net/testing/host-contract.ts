import { afterEach, describe, expect, it } from "vitest";
import type { NodeId } from "../../core/ids.js";
import type { ProtocolEvent } from "../../core/observe.js";
import type { ProbeConfig } from "./probe.js";

/** One event a node emitted. */
export interface HostEvent {
  readonly node: NodeId;
  readonly event: ProtocolEvent;
}

/**
 * What the host contract needs from a host: run a cluster of the probe
 * protocol (`src/net/testing/probe.ts`), read what the nodes emitted, let time
 * pass (virtual or real), and crash-restart a node.
 */
export interface HostHarness {
  /** Starts `nodes` probe nodes with the probe's defaults overridden by `config`. */
  launch(nodes: number, config: Partial<ProbeConfig>): Promise<void>;
  /** Every event emitted so far, in the order the host saw them. */
  events(): readonly HostEvent[];
  /** Lets the cluster run until `done()` holds; rejects after `timeoutMs` of the host's time, naming `what`. */
  runUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void>;
  /** Crashes `node` without notice (its unsynced writes are lost) and starts it again. */
  restart(node: NodeId): Promise<void>;
  /** Ends the cluster and frees what it holds. */
  close(): Promise<void>;
}

const has =
  (h: HostHarness, node: NodeId, type: string, fields: Record<string, unknown> = {}, from = 0) =>
  (): boolean =>
    h
      .events()
      .slice(from)
      .some(
        (e) =>
          e.node === node &&
          e.event.type === type &&
          Object.entries(fields).every(([k, v]) => e.event[k] === v),
      );

function lastBoot(h: HostHarness, node: NodeId): ProtocolEvent | undefined {
  return h
    .events()
    .filter((e) => e.node === node && e.event.type === "boot")
    .at(-1)?.event;
}

/**
 * The host contract: what every host (the simulator, the real host) must do for
 * the same protocol object. Messages are delivered between nodes; timers fire
 * no earlier than asked; storage survives a crash-restart once synced, and only
 * then; a restarted node is heard and hears again. `timeoutMs` is in the
 * host's own time (virtual in the simulator).
 */
export function hostContract(
  name: string,
  makeHarness: () => HostHarness,
  timeoutMs: number,
): void {
  describe(`hostContract: ${name}`, () => {
    let h: HostHarness;
    afterEach(async () => {
      await h?.close();
    });

    it("delivers messages between every pair of nodes, and timers fire no earlier than asked", async () => {
      h = makeHarness();
      await h.launch(3, { pingEveryMs: 25 });
      for (const node of [0, 1, 2]) {
        for (const peer of [0, 1, 2]) {
          if (peer === node) continue;
          await h.runUntil(has(h, node, "heard", { peer }), timeoutMs, `n${node} hears n${peer}`);
        }
        await h.runUntil(has(h, node, "firstTick"), timeoutMs, `n${node}'s first timer`);
        const tick = h.events().find((e) => e.node === node && e.event.type === "firstTick");
        expect(tick?.event.afterMs).toBeGreaterThanOrEqual(25);
      }
    });

    it("keeps synced storage across a crash-restart", async () => {
      h = makeHarness();
      await h.launch(2, { syncBoots: true });
      await h.runUntil(has(h, 1, "boot"), timeoutMs, "n1 boots");
      expect(lastBoot(h, 1)).toMatchObject({ boots: 0, recovered: false });
      const from = h.events().length;
      await h.restart(1);
      await h.runUntil(has(h, 1, "boot", {}, from), timeoutMs, "n1 boots again");
      expect(lastBoot(h, 1)).toMatchObject({ boots: 1, recovered: true });
    });

    it("loses unsynced storage across a crash-restart", async () => {
      h = makeHarness();
      await h.launch(2, { syncBoots: false });
      await h.runUntil(has(h, 1, "boot"), timeoutMs, "n1 boots");
      const from = h.events().length;
      await h.restart(1);
      await h.runUntil(has(h, 1, "boot", {}, from), timeoutMs, "n1 boots again");
      expect(lastBoot(h, 1)).toMatchObject({ boots: 0, recovered: true });
    });

    it("a restarted node hears its peers and is heard by them again", async () => {
      h = makeHarness();
      await h.launch(2, { pingEveryMs: 20, silentAfterMs: 500 });
      await h.runUntil(has(h, 0, "heard", { peer: 1 }), timeoutMs, "n0 hears n1");
      const from = h.events().length;
      await h.restart(1);
      await h.runUntil(has(h, 1, "heard", { peer: 0 }, from), timeoutMs, "restarted n1 hears n0");
      await h.runUntil(has(h, 0, "heard", { peer: 1 }, from), timeoutMs, "n0 hears n1 again");
    });
  });
}
