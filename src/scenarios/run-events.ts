import type { AnyScenario } from "../sim/scenario.js";
import { executePlan, type RunPlan } from "../sim/scenario-run.js";
import type { EmittedEvent } from "../sim/types.js";

/** The events a plan's run emitted (what the scenario's check sees), for tests to inspect. */
export function eventsOf(plan: RunPlan): readonly EmittedEvent[] {
  let captured: readonly EmittedEvent[] = [];
  const spy: AnyScenario = {
    ...plan.scenario,
    check: (run) => {
      captured = run.events;
      return [];
    },
  };
  executePlan({ ...plan, scenario: spy });
  return captured;
}

/** The ids of the messages `node` delivered (`deliver` events), in delivery order. */
export function deliveries(events: readonly EmittedEvent[], node: number): unknown[] {
  return events.filter((e) => e.node === node && e.event.type === "deliver").map((e) => e.event.id);
}
