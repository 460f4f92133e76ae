import { pathToFileURL } from "node:url";
import type { AnyScenario } from "../sim/scenario.js";
import { executePlan, planRun, type RunRequest } from "../sim/scenario-run.js";
import type { EmittedEvent } from "../sim/types.js";
import {
  broadcastCausalScenario,
  broadcastReliableScenario,
  broadcastTotalElectScenario,
  broadcastTotalFailoverScenario,
  broadcastTotalScenario,
} from "./broadcast.js";
import { broadcastTotalRaftScenario } from "./broadcast-raft.js";

/** Latency of one variant without faults: broadcast-to-delivery times over every (node, message) pair. */
export interface LatencyRow {
  readonly scenario: string;
  readonly seeds: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  /** Messages sent (every kind: data, acks, control, heartbeats) per broadcast. */
  readonly messagesPerBroadcast: number;
}

/** How long deliveries stopped at the survivors after the sequencer stopped. */
export interface GapRow {
  readonly scenario: string;
  readonly fault: "crash" | "failstop";
  readonly seeds: number;
  /** From the stop to the first delivery at n1 (neither the old nor the new sequencer) after it. */
  readonly medianGapMs: number;
  readonly maxGapMs: number;
}

function eventsAndSent(scenario: AnyScenario, request: RunRequest) {
  let events: readonly EmittedEvent[] = [];
  const spy: AnyScenario = {
    ...scenario,
    check: (run) => {
      events = run.events;
      return [];
    },
  };
  const { summary } = executePlan(planRun(spy, request));
  return { events, sent: summary.messages.sent };
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** Broadcast-to-delivery latency of `scenario` over `seeds` fault-free runs. */
export function measureLatency(scenario: AnyScenario, seeds: number): LatencyRow {
  const latencies: number[] = [];
  let sent = 0;
  let broadcasts = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const run = eventsAndSent(scenario, { seed, nemesis: "none" });
    sent += run.sent;
    const at = new Map<string, number>();
    for (const { t, event } of run.events) {
      if (event.type === "broadcast") {
        at.set(String(event.id), t);
        broadcasts++;
      } else if (event.type === "deliver") {
        const from = at.get(String(event.id));
        if (from !== undefined) latencies.push(t - from);
      }
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    seeds,
    medianMs: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    messagesPerBroadcast: sent / broadcasts,
  };
}

/** The delivery gap at n1 after the sequencer (`node`) stops at 5 s, silently (`crash`) or with notice (`failstop`). */
export function measureGap(
  scenario: AnyScenario,
  node: number,
  fault: "crash" | "failstop",
  seeds: number,
): GapRow {
  const gaps: number[] = [];
  const stopAt = 5_000;
  for (let seed = 1; seed <= seeds; seed++) {
    const { events } = eventsAndSent(scenario, {
      seed,
      nemesis: "none",
      faults: [{ at: stopAt, fault, node }],
    });
    const next = events.find((e) => e.node === 1 && e.event.type === "deliver" && e.t > stopAt);
    if (next !== undefined) gaps.push(next.t - stopAt);
  }
  gaps.sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    fault,
    seeds: gaps.length,
    medianGapMs: quantile(gaps, 0.5),
    maxGapMs: gaps[gaps.length - 1] ?? Number.NaN,
  };
}

/** Prints the latency and failover-gap tables (`node dist/scenarios/broadcast-measure.js [seeds]`). */
export function main(seeds: number): void {
  const fmt = (v: number) => v.toFixed(1);
  console.log(`broadcast latency without faults, 5 nodes, ${seeds} seeds each`);
  console.log("scenario                    median ms   p99 ms   messages/broadcast");
  for (const s of [
    broadcastReliableScenario,
    broadcastCausalScenario,
    broadcastTotalScenario,
    broadcastTotalElectScenario,
    broadcastTotalRaftScenario,
  ] as AnyScenario[]) {
    const r = measureLatency(s, seeds);
    console.log(
      `${r.scenario.padEnd(28)}${fmt(r.medianMs).padStart(9)}${fmt(r.p99Ms).padStart(9)}${fmt(r.messagesPerBroadcast).padStart(13)}`,
    );
  }
  console.log(
    "\ndelivery gap at n1 after the sequencer stops at t = 5 s (runs: those with a later delivery)",
  );
  console.log("scenario                    stop       runs   median ms   max ms");
  const gaps = [
    measureGap(broadcastTotalFailoverScenario as AnyScenario, 0, "failstop", seeds),
    measureGap(broadcastTotalElectScenario as AnyScenario, 4, "crash", seeds),
    measureGap(broadcastTotalScenario as AnyScenario, 0, "crash", seeds),
  ];
  for (const g of gaps) {
    console.log(
      `${g.scenario.padEnd(28)}${g.fault.padEnd(10)}${String(g.seeds).padStart(5)}${fmt(g.medianGapMs).padStart(12)}${fmt(g.maxGapMs).padStart(9)}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(Number(process.argv[2] ?? 20));
}
