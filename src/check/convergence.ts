/**
 * Eventual convergence: once updates stop and the replicas have exchanged
 * what they know, every replica holds the same state, and that state is one
 * some order of the updates produces (nothing lost, nothing invented).
 *
 * How the input says it: the history holds a *quiescence marker*, an `ok`
 * operation with `f: "quiesce"` (any process), recorded once no update is
 * in flight and replication has settled. Every operation called after the
 * marker returned is a *final read*, and its process names the replica it
 * read from (give each replica's final reads their own process number).
 * Operations before the marker are the updates; their outputs are not
 * constraints (convergence promises nothing about reads along the way).
 */

import {
  asEffect,
  effects,
  findSerialization,
  type SerializationOutcome,
} from "./convergence-search.js";
import { HistoryError } from "./errors.js";
import type { History, Operation } from "./history.js";
import type { Model } from "./model.js";
import type { Verdict } from "./result.js";
import { showValue } from "./values.js";

/** The `f` of the quiescence marker. */
export const QUIESCE = "quiesce";

/** Options of `checkConvergence`. */
export interface ConvergenceOptions {
  /** Give up with `unknown` after this long (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Give up with `unknown` after this many search states per part (default 2 000 000). */
  readonly statesMax?: number;
}

/** Why a history does not converge. */
export interface ConvergenceViolation {
  readonly kind: "diverged" | "unreachable";
  /** The part (key) it concerns, for a partitioned model. */
  readonly key: string | undefined;
  /** Final reads involved, as history ids. */
  readonly ops: readonly number[];
  readonly explanation: string;
}

/** What `checkConvergence` returns. */
export interface ConvergenceResult {
  readonly checker: "convergence";
  readonly model: string;
  readonly verdict: Verdict;
  readonly reason?: "timeout" | "memory";
  /** Updates judged (before the marker, failed ones dropped). */
  readonly ops: number;
  /** Replicas (processes) with final reads, ascending. */
  readonly replicas: readonly number[];
  /** The agreed final state, described by the model, per part: when the replicas agree and it is reachable. */
  readonly states: readonly {
    readonly key: string | undefined;
    readonly state: string;
    readonly order: readonly number[];
  }[];
  /** The first reason it does not converge (only for `violation`). */
  readonly violation?: ConvergenceViolation;
  readonly ms: number;
}

/**
 * Judges eventual convergence of `history` for `model` (see the module
 * comment for the quiescence marker). Each part (key, for a partitioned
 * model) is searched for an order of its updates whose end state every
 * final read accepts; when none exists, each replica is searched alone to
 * tell a replica holding an impossible state from replicas that disagree. Throws a HistoryError when the marker is
 * missing, or the model rejects an operation.
 */
export function checkConvergence<S>(
  history: History,
  model: Model<S>,
  options: ConvergenceOptions = {},
): ConvergenceResult {
  const startedMs = performance.now();
  const deadline = startedMs + (options.timeoutMs ?? 10_000);
  const { updates, finals } = splitAtQuiescence(history, model);
  const replicas = [...new Set(finals.map((op) => op.process))].sort((a, b) => a - b);
  const base = {
    checker: "convergence" as const,
    model: model.name,
    ops: updates.length,
    replicas,
  };
  const elapsed = () => performance.now() - startedMs;
  const states: { key: string | undefined; state: string; order: readonly number[] }[] = [];
  for (const part of partsOf(updates, finals, model)) {
    const partModel = (
      model.partitionKey === undefined ? model : (model.part ?? model)
    ) as Model<unknown>;
    const limits = { deadline, statesMax: options.statesMax ?? 2_000_000 };
    const search = (finals: readonly Operation[]): SerializationOutcome<unknown> =>
      findSerialization(
        partModel,
        part.updates.map(asEffect),
        part.updates.map((op) => op.status === "ok"),
        finals,
        limits,
      );
    const outcome = search(part.finals);
    if (outcome.kind === "timeout" || outcome.kind === "memory") {
      return { ...base, verdict: "unknown", reason: outcome.kind, states, ms: elapsed() };
    }
    if (outcome.kind === "none") {
      const found = classify(part.key, part.finals, partModel, search);
      if (found.kind === "timeout" || found.kind === "memory") {
        return { ...base, verdict: "unknown", reason: found.kind, states, ms: elapsed() };
      }
      return { ...base, verdict: "violation", states, violation: found, ms: elapsed() };
    }
    states.push({
      key: part.key,
      state: partModel.describeState(outcome.state),
      order: outcome.order,
    });
  }
  return { ...base, verdict: "ok", states, ms: elapsed() };
}

function splitAtQuiescence<S>(
  history: History,
  model: Model<S>,
): { updates: Operation[]; finals: Operation[] } {
  const marker = history.find((op) => op.f === QUIESCE && op.status === "ok");
  if (marker === undefined) {
    throw new HistoryError(
      undefined,
      `convergence needs a quiescence marker: an ok operation with f "${QUIESCE}" after which each replica's final reads follow`,
    );
  }
  const updates: Operation[] = [];
  const finals: Operation[] = [];
  for (const op of history) {
    if (op.f === QUIESCE) continue;
    const problem = model.validate?.(op);
    if (problem !== undefined) throw new HistoryError(op.line, problem);
    if (op.call >= marker.ret) {
      if (op.status !== "ok") continue; // a final read that gave no answer says nothing
      finals.push(op);
    } else if (op.status !== "fail") {
      updates.push(op);
    }
  }
  if (finals.length === 0) {
    throw new HistoryError(
      marker.line,
      `no final reads follow the quiescence marker (op ${marker.id})`,
    );
  }
  return { updates, finals };
}

function partsOf<S>(
  updates: readonly Operation[],
  finals: readonly Operation[],
  model: Model<S>,
): { key: string | undefined; updates: Operation[]; finals: Operation[] }[] {
  const keyOf = (op: Operation) => model.partitionKey?.(op);
  const parts = new Map<
    string | undefined,
    { key: string | undefined; updates: Operation[]; finals: Operation[] }
  >();
  const partFor = (key: string | undefined) => {
    let part = parts.get(key);
    if (part === undefined) {
      part = { key, updates: [], finals: [] };
      parts.set(key, part);
    }
    return part;
  };
  for (const op of updates) partFor(keyOf(op)).updates.push(op);
  for (const op of finals) partFor(keyOf(op)).finals.push(op);
  return [...parts.values()];
}

/**
 * Why no state fits every final read: one replica's reads alone fit no
 * state the updates produce (`unreachable`), or each replica's do but no
 * state fits two replicas at once (`diverged`).
 */
function classify(
  key: string | undefined,
  finals: readonly Operation[],
  model: Model<unknown>,
  search: (finals: readonly Operation[]) => SerializationOutcome<unknown>,
): ConvergenceViolation | { kind: "timeout" } | { kind: "memory" } {
  const byReplica = new Map<number, Operation[]>();
  for (const op of finals) byReplica.set(op.process, [...(byReplica.get(op.process) ?? []), op]);
  const where = key === undefined ? "" : ` for key ${showValue(key)}`;
  const held: string[] = [];
  for (const [replica, reads] of byReplica) {
    const outcome = search(reads);
    if (outcome.kind === "timeout" || outcome.kind === "memory") return outcome;
    const shown = reads.map((op) => `${model.describeOp(op)} (op ${op.id})`).join(", ");
    if (outcome.kind === "none") {
      const near = nearMiss(model, outcome.closest, reads);
      return {
        kind: "unreachable",
        key,
        ops: reads.map((op) => op.id),
        explanation: `replica ${replica}'s final state${where} (${shown}) is one no order of the updates produces${near}`,
      };
    }
    held.push(`replica ${replica} holds ${model.describeState(outcome.state)} (${shown})`);
  }
  return {
    kind: "diverged",
    key,
    ops: finals.map((op) => op.id),
    explanation: `replicas disagree${where}: ${held.join("; ")}`,
  };
}

function nearMiss(model: Model<unknown>, closest: unknown, reads: readonly Operation[]): string {
  const rejected = reads.find(
    (op) => !effects(model, closest, op).some((s) => model.equal(s, closest)),
  );
  if (rejected === undefined) return "";
  const why = model.explain?.(closest, rejected) ?? `${model.describeOp(rejected)} cannot happen`;
  return `; the closest state the search reached is ${model.describeState(closest)}, where ${why}`;
}
