import { describe, expect, it } from "vitest";
import type { NodeId, Protocol } from "../../core/index.js";
import { ManualNet } from "../testing/manual-net.js";
import type { DetectorNode } from "../types.js";

/** One detector as the shared contract suite runs it. */
export interface DetectorCase<M, T, C> {
  readonly protocol: Protocol<M, T, C>;
  /** The configuration under test (usually faster than the defaults, so tests run quickly). */
  readonly config: C;
  /** Cluster size; default 5. */
  readonly n?: number;
  /** One-way latency of the test network; default 1 ms. */
  readonly latencyMs?: number;
  /** Warm-up before faults start (joins settle, estimators fill). */
  readonly warmupMs: number;
  /** From a crash until every live member suspects (or declares dead) the crashed one. */
  readonly detectBoundMs: number;
  /** From a heal or restart until no live, connected member is suspected by anyone. */
  readonly recoverBoundMs: number;
  /** Tests this detector skips, each with the reason. */
  readonly skip?: Partial<Record<ContractTest, string>>;
}

/** The names of the contract's tests, for `skip`. */
export type ContractTest = "quiet" | "crash" | "twoCrashes" | "restart" | "partition" | "loss";

type Net<M, T> = ManualNet<M, T>;

function build<M, T, C>(c: DetectorCase<M, T, C>, seed: number): Net<M, T> {
  const n = c.n ?? 5;
  return new ManualNet<M, T>({
    ids: Array.from({ length: n }, (_, i) => i),
    create: (id) => c.protocol.create(id, c.config),
    validate: (msg) => c.protocol.validate(msg),
    latencyMs: c.latencyMs ?? 1,
    seed,
  });
}

function detector<M, T>(net: Net<M, T>, id: NodeId): DetectorNode<M, T> {
  return net.node<DetectorNode<M, T>>(id);
}

function live<M, T>(net: Net<M, T>): NodeId[] {
  return [...net.nodes.keys()].sort((a, b) => a - b);
}

/** Replays a node's suspect/trust/dead events and returns whom it should suspect now. */
function suspectsFromEvents<M, T>(net: Net<M, T>, id: NodeId): NodeId[] {
  const state = new Map<NodeId, boolean>();
  for (const e of net.events) {
    if (e.node !== id) continue;
    const peer = e.event.peer as NodeId;
    if (e.event.type === "suspect" || e.event.type === "dead") state.set(peer, true);
    if (e.event.type === "trust" || e.event.type === "join") state.set(peer, false);
    if (e.event.type === "left") state.set(peer, false);
  }
  return [...state.entries()]
    .filter(([, s]) => s)
    .map(([p]) => p)
    .sort((a, b) => a - b);
}

/**
 * The contract every failure detector in cohort passes (STYLE.md: one shared
 * suite per interface). It checks the protocol's surface (config, validation)
 * and, on a hand-driven network, completeness (every crash detected by every
 * live member within `detectBoundMs`), accuracy in a quiet network, recovery
 * after restarts and heals, agreement of `suspects()` with the emitted events,
 * and determinism.
 */
export function detectorContract<M, T, C>(c: DetectorCase<M, T, C>): void {
  const run = (name: ContractTest, title: string, body: () => void) => {
    const reason = c.skip?.[name];
    if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, body);
    else it(title, body);
  };
  const n = c.n ?? 5;
  const victim = n - 1;

  describe(`detector contract: ${c.protocol.name}`, () => {
    it("accepts its defaults and the test config", () => {
      expect(c.protocol.checkConfig(c.protocol.defaults)).toBeUndefined();
      expect(c.protocol.checkConfig(c.config)).toBeUndefined();
    });

    it("rejects malformed messages with a reason", () => {
      for (const bad of [null, 7, "x", [], {}, { type: "no-such-type" }]) {
        expect(c.protocol.validate(bad), JSON.stringify(bad)).toMatch(/: expected /);
      }
    });

    run(
      "quiet",
      "suspects nobody in a quiet network, and every view lists every peer alive",
      () => {
        const net = build(c, 11);
        net.startAll();
        net.runUntil(c.warmupMs + 4 * c.detectBoundMs);
        expect(net.eventLines("suspect")).toEqual([]);
        for (const id of live(net)) {
          const view = detector(net, id).view();
          expect(view.map((m) => m.id)).toEqual(live(net).filter((p) => p !== id));
          expect(view.every((m) => m.state === "alive")).toBe(true);
        }
      },
    );

    run("crash", "every live member detects a crash within detectBoundMs", () => {
      const net = build(c, 12);
      net.startAll();
      net.runUntil(c.warmupMs);
      net.crash(victim);
      net.runUntil(c.warmupMs + c.detectBoundMs);
      for (const id of live(net)) {
        expect(detector(net, id).suspects(), `n${id}`).toContain(victim);
        expect(suspectsFromEvents(net, id), `n${id} events`).toEqual(detector(net, id).suspects());
      }
    });

    run("twoCrashes", "two simultaneous crashes are both detected by every live member", () => {
      const net = build(c, 13);
      net.startAll();
      net.runUntil(c.warmupMs);
      net.crash(victim);
      net.crash(victim - 1);
      net.runUntil(c.warmupMs + c.detectBoundMs);
      for (const id of live(net)) {
        expect(detector(net, id).suspects(), `n${id}`).toEqual(
          expect.arrayContaining([victim - 1, victim]),
        );
      }
    });

    run("restart", "a restarted member is trusted again by everyone within recoverBoundMs", () => {
      const net = build(c, 14);
      net.startAll();
      net.runUntil(c.warmupMs);
      net.crash(victim);
      net.runUntil(c.warmupMs + c.detectBoundMs);
      net.restart(victim);
      net.runUntil(c.warmupMs + c.detectBoundMs + c.recoverBoundMs);
      for (const id of live(net)) {
        expect(detector(net, id).suspects(), `n${id}`).toEqual([]);
        expect(suspectsFromEvents(net, id), `n${id} events`).toEqual([]);
      }
    });

    run(
      "partition",
      "both sides of a partition detect each other, and heal back to no suspicion",
      () => {
        const net = build(c, 15);
        net.startAll();
        net.runUntil(c.warmupMs);
        const left = [0, 1, 2];
        const right = Array.from({ length: n - 3 }, (_, i) => i + 3);
        net.partition([left, right]);
        net.runUntil(c.warmupMs + c.detectBoundMs);
        for (const id of left) {
          expect(detector(net, id).suspects(), `n${id}`).toEqual(expect.arrayContaining(right));
        }
        net.heal();
        net.runUntil(c.warmupMs + c.detectBoundMs + c.recoverBoundMs);
        for (const id of live(net)) expect(detector(net, id).suspects(), `n${id}`).toEqual([]);
      },
    );

    run("loss", "1% message loss causes no lasting suspicion", () => {
      const net = build(c, 16);
      net.lossRate = 0.01;
      net.startAll();
      net.runUntil(c.warmupMs + 4 * c.detectBoundMs);
      net.lossRate = 0;
      net.runUntil(c.warmupMs + 4 * c.detectBoundMs + c.recoverBoundMs);
      for (const id of live(net)) expect(detector(net, id).suspects(), `n${id}`).toEqual([]);
    });

    it("is deterministic: the same seed gives the same events", () => {
      const once = () => {
        const net = build(c, 17);
        net.lossRate = 0.05;
        net.startAll();
        net.runUntil(c.warmupMs);
        net.crash(victim);
        net.runUntil(c.warmupMs + c.detectBoundMs);
        return net.eventLines();
      };
      expect(once()).toEqual(once());
    });
  });
}
