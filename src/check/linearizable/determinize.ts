import type { AnyModel, Model } from "../model.js";

/**
 * A deterministic model over sets of states, for a model with `steps`: the
 * state after an operation is every state any current state may lead to, and
 * the operation cannot happen when that set is empty. The search then stays
 * deterministic, as Porcupine does for nondeterministic models.
 */
export function determinize(model: AnyModel): AnyModel {
  const steps = model.steps;
  if (steps === undefined) return model;
  const addUnique = (into: unknown[], state: unknown): void => {
    if (!into.some((s) => model.equal(s, state))) into.push(state);
  };
  const powerset: Model<readonly unknown[]> = {
    name: model.name,
    summary: model.summary,
    init: () => [model.init()],
    step(states, op) {
      const out: unknown[] = [];
      for (const s of states) for (const t of steps.call(model, s, op)) addUnique(out, t);
      return out.length === 0 ? undefined : out;
    },
    equal: (a, b) => a.length === b.length && a.every((s) => b.some((t) => model.equal(s, t))),
    hash(states) {
      let h = 0;
      for (const s of states) h ^= model.hash(s);
      return h >>> 0;
    },
    describeState: (states) =>
      states.length === 1
        ? model.describeState(states[0])
        : `one of {${states.map((s) => model.describeState(s)).join(" | ")}}`,
    describeOp: (op) => model.describeOp(op),
    explain: (states, op) =>
      states.map((s) => model.explain?.(s, op) ?? model.describeState(s)).join("; "),
  };
  if (model.validate !== undefined) powerset.validate = model.validate.bind(model);
  if (model.keepFailed !== undefined) powerset.keepFailed = model.keepFailed.bind(model);
  if (model.partitionKey !== undefined) powerset.partitionKey = model.partitionKey.bind(model);
  if (model.part !== undefined) {
    const part = determinize(model.part);
    Object.assign(powerset, { part });
  }
  return powerset as AnyModel;
}
