/**
 * What a report shows, computed from a history, its model and any checker's
 * result: the operations as the page draws them, the order the checker
 * found, the operation to highlight and why. Pure data, so it is tested
 * without a browser; `html.ts` turns it into the page.
 */

import type { CausalResult } from "../causal.js";
import type { ConvergenceResult } from "../convergence.js";
import type { History, Operation } from "../history.js";
import type { AnyModel } from "../model.js";
import type { LinearizabilityResult, PartitionResult, Verdict } from "../result.js";
import type { SequentialResult } from "../sequential.js";
import type { SessionResult } from "../session.js";
import { showValue } from "../values.js";

/** Every result a report can show. */
export type AnyCheckResult =
  | LinearizabilityResult
  | SequentialResult
  | SessionResult
  | ConvergenceResult
  | CausalResult;

/** One operation as drawn. Times are the history's; `ret` is null for an indeterminate op. */
export interface ViewOp {
  readonly id: number;
  readonly process: number;
  readonly label: string;
  readonly f: string;
  readonly key: string | null;
  readonly input: string;
  readonly output: string;
  readonly status: string;
  readonly call: number;
  readonly ret: number | null;
}

/** The first operation that cannot follow the found order, and the state it met. */
export interface Highlight {
  readonly id: number;
  /** The state after the order, described by the model. */
  readonly found: string;
  /** What the operation needed, as the model explains it. */
  readonly needed: string;
}

/** Everything the page draws. */
export interface ReportView {
  readonly title: string;
  readonly checker: string;
  readonly model: string;
  readonly verdict: Verdict;
  /** One sentence under the title. */
  readonly summary: string;
  readonly ops: readonly ViewOp[];
  /** The order found (a prefix for a violation), as op ids; numbered on the bars. */
  readonly order: readonly number[];
  /** What `order` is: "longest linearizable prefix", "serialization", … */
  readonly orderLabel: string;
  readonly highlight?: Highlight;
  /** Other operations that cannot follow the order either. */
  readonly alsoStuck: readonly number[];
  /** Operations of a weaker checker's counterexample (a bad pattern, a violated guarantee). */
  readonly marked: readonly number[];
  /** Ops outside the partition the report focuses on (drawn faded). */
  readonly faded: readonly number[];
  /** Explanations, one per line. */
  readonly notes: readonly string[];
}

/** Builds the view of `result` for `history` judged against `model`. */
export function reportView(
  history: History,
  model: AnyModel,
  result: AnyCheckResult,
  title: string,
): ReportView {
  const ops = history.map((op) => viewOp(op, model));
  const base = { title, checker: result.checker, verdict: result.verdict, ops };
  const empty = { alsoStuck: [], marked: [], faded: [], order: [], orderLabel: "", notes: [] };
  switch (result.checker) {
    case "linearizable":
      return { ...base, ...linearizableView(history, result), model: result.model };
    case "sequential":
      return { ...base, ...sequentialView(result), model: result.model };
    case "causal":
      return { ...base, ...empty, ...causalView(result), model: model.name };
    case "session":
      return { ...base, ...empty, ...sessionView(result), model: model.name };
    case "convergence":
      return { ...base, ...empty, ...convergenceView(result), model: result.model };
  }
}

function viewOp(op: Operation, model: AnyModel): ViewOp {
  return {
    id: op.id,
    process: op.process,
    label: model.describeOp(op),
    f: op.f,
    key: op.key ?? null,
    input: showValue(op.input, 200),
    output: op.status === "ok" ? showValue(op.output, 200) : "—",
    status: op.status,
    call: op.call,
    ret: Number.isFinite(op.ret) ? op.ret : null,
  };
}

type Part = Omit<ReportView, "title" | "checker" | "model" | "verdict" | "ops">;

function linearizableView(history: History, result: LinearizabilityResult): Part {
  const focus =
    result.partitions.find((p) => p.verdict === "violation") ??
    result.partitions.find((p) => p.verdict === "unknown") ??
    result.partitions[0];
  const inFocus = new Set(focus?.ops ?? history.map((op) => op.id));
  const faded = history.filter((op) => !inFocus.has(op.id)).map((op) => op.id);
  const where = focus?.key === undefined ? "" : ` for key ${showValue(focus.key)}`;
  const counts = verdictCounts(result.partitions);
  const summary = `${result.verdict}: ${result.ops} operations in ${result.partitions.length} part(s) (${counts}), checked in ${result.ms.toFixed(1)} ms`;
  const label =
    focus?.verdict === "ok" ? `linearization${where}` : `longest linearizable prefix${where}`;
  return {
    summary,
    order: focus?.linearized ?? [],
    orderLabel: label,
    ...stuckParts(focus?.stuck ?? []),
    marked: [],
    faded,
    notes: focus === undefined ? [] : [`state after the ${label}: ${focus.state}`],
  };
}

function verdictCounts(parts: readonly PartitionResult[]): string {
  const count = (v: Verdict) => parts.filter((p) => p.verdict === v).length;
  return `${count("ok")} ok, ${count("violation")} violation, ${count("unknown")} unknown`;
}

function stuckParts(stuck: readonly { id: number; found: string; needed: string }[]): {
  highlight?: Highlight;
  alsoStuck: number[];
} {
  const [first, ...rest] = stuck;
  const alsoStuck = rest.map((s) => s.id);
  return first === undefined ? { alsoStuck } : { highlight: first, alsoStuck };
}

function sequentialView(result: SequentialResult): Part {
  const label = result.verdict === "ok" ? "serialization" : "longest serialization prefix";
  return {
    summary: `${result.verdict}${result.reason === undefined ? "" : ` (${result.reason})`}: ${result.ops} operations, ${result.explored} search points, ${result.ms.toFixed(1)} ms`,
    order: result.order,
    orderLabel: `${label} (each process's order kept, real time ignored)`,
    ...stuckParts(result.stuck),
    marked: [],
    faded: [],
    notes: [`state after the ${label}: ${result.state}`],
  };
}

function causalView(result: CausalResult): Pick<ReportView, "summary" | "marked" | "notes"> {
  const notes: string[] = [];
  const marked = new Set<number>();
  const cc = result.models.CC.counterexample;
  for (const name of ["CC", "CM", "CCv"] as const) {
    const found = result.models[name].counterexample;
    if (found === undefined) notes.push(`${name} holds`);
    else if (name !== "CC" && found === cc) notes.push(`${name} fails: the same ${found.pattern}`);
    else notes.push(`${name} fails: ${found.pattern}: ${found.explanation}`);
    if (found !== undefined && marked.size === 0) for (const id of found.ops) marked.add(id);
  }
  return {
    summary: `${result.verdict}: ${result.ops} reads and writes; required ${result.required.join(", ")}`,
    marked: [...marked],
    notes,
  };
}

function sessionView(result: SessionResult): Pick<ReportView, "summary" | "marked" | "notes"> {
  const notes: string[] = [];
  const marked = new Set<number>();
  for (const [name, verdict] of Object.entries(result.guarantees)) {
    const first = verdict.violations[0];
    notes.push(
      `${name}: ${verdict.verdict}${first === undefined ? "" : ` — ${first.explanation}`}${verdict.note === undefined ? "" : ` (${verdict.note})`}`,
    );
    if (first !== undefined && marked.size === 0) for (const id of first.ops) marked.add(id);
  }
  for (const thin of result.thinAirReads) notes.push(thin.explanation);
  return {
    summary: `${result.verdict}: ${result.ops} reads and writes; all four together: ${result.combined.verdict}`,
    marked: [...marked],
    notes,
  };
}

function convergenceView(
  result: ConvergenceResult,
): Pick<ReportView, "summary" | "marked" | "notes"> {
  const notes = result.states.map(
    (s) => `${s.key === undefined ? "final state" : `key ${s.key}`}: ${s.state}`,
  );
  if (result.violation !== undefined)
    notes.unshift(`${result.violation.kind}: ${result.violation.explanation}`);
  return {
    summary: `${result.verdict}${result.reason === undefined ? "" : ` (${result.reason})`}: ${result.ops} updates, replicas ${result.replicas.join(", ")}`,
    marked: result.violation?.ops ?? [],
    notes,
  };
}
