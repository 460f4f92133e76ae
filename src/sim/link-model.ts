import { describeValue } from "../core/index.js";
import type { Prng } from "./prng.js";
import type { LatencySpec, LinkModel, NetworkConfig } from "./types.js";

/** A link model with every default filled in, flattened for the hot path. */
export interface CompiledLink {
  /** 0 constant (a), 1 uniform [a, b), 2 lognormal (median a, sigma b). */
  readonly latencyKind: 0 | 1 | 2;
  readonly a: number;
  readonly b: number;
  readonly jitterMs: number;
  readonly reorderProbability: number;
  readonly reorderWindowMs: number;
  readonly lossProbability: number;
  readonly duplicateProbability: number;
}

/** The default network: uniform 1–5 ms latency, nothing else. */
export const DEFAULT_LATENCY: LatencySpec = { kind: "uniform", minMs: 1, maxMs: 5 };

function latencyProblem(spec: LatencySpec | undefined, where: string): string | undefined {
  if (spec === undefined) return undefined;
  const bad = (field: string, v: unknown) =>
    `${where}.${field}: expected a finite number >= 0, got ${describeValue(v)}`;
  const ok = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  switch (spec.kind) {
    case "constant":
      return ok(spec.ms) ? undefined : bad("ms", spec.ms);
    case "uniform":
      if (!ok(spec.minMs)) return bad("minMs", spec.minMs);
      if (!ok(spec.maxMs) || spec.maxMs < spec.minMs) {
        return `${where}.maxMs: expected a number >= minMs (${spec.minMs}), got ${describeValue(spec.maxMs)}`;
      }
      return undefined;
    case "lognormal":
      if (!ok(spec.medianMs)) return bad("medianMs", spec.medianMs);
      return ok(spec.sigma) ? undefined : bad("sigma", spec.sigma);
    default:
      return `${where}.kind: expected constant, uniform or lognormal, got ${describeValue((spec as { kind: unknown }).kind)}`;
  }
}

function probabilityProblem(v: unknown, where: string): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === "number" && v >= 0 && v <= 1
    ? undefined
    : `${where}: expected a probability in [0, 1], got ${describeValue(v)}`;
}

function msProblem(v: unknown, where: string): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === "number" && Number.isFinite(v) && v >= 0
    ? undefined
    : `${where}: expected a finite number >= 0, got ${describeValue(v)}`;
}

/** The first problem of a link model, as `where.field: expected …, got …`. */
export function linkProblem(model: LinkModel, where: string): string | undefined {
  return (
    latencyProblem(model.latency, `${where}.latency`) ??
    msProblem(model.jitterMs, `${where}.jitterMs`) ??
    probabilityProblem(model.reorderProbability, `${where}.reorderProbability`) ??
    msProblem(model.reorderWindowMs, `${where}.reorderWindowMs`) ??
    probabilityProblem(model.lossProbability, `${where}.lossProbability`) ??
    probabilityProblem(model.duplicateProbability, `${where}.duplicateProbability`)
  );
}

/** The first problem of a network config for `nodeCount` nodes, or undefined. */
export function networkProblem(config: NetworkConfig, nodeCount: number): string | undefined {
  const base = linkProblem(config, "network");
  if (base !== undefined) return base;
  const links = config.links ?? [];
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    for (const field of ["from", "to"] as const) {
      const v = link[field];
      if (!(Number.isSafeInteger(v) && v >= 0 && v < nodeCount)) {
        return `network.links[${i}].${field}: expected a node id in 0..${nodeCount - 1}, got ${describeValue(v)}`;
      }
    }
    const problem = linkProblem(link, `network.links[${i}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Fills defaults: `over` wins over `base`, which wins over the built-in defaults. */
export function compileLink(base: LinkModel, over: LinkModel = {}): CompiledLink {
  const latency = over.latency ?? base.latency ?? DEFAULT_LATENCY;
  const [latencyKind, a, b] =
    latency.kind === "constant"
      ? ([0, latency.ms, 0] as const)
      : latency.kind === "uniform"
        ? ([1, latency.minMs, latency.maxMs] as const)
        : ([2, latency.medianMs, latency.sigma] as const);
  return {
    latencyKind,
    a,
    b,
    jitterMs: over.jitterMs ?? base.jitterMs ?? 0,
    reorderProbability: over.reorderProbability ?? base.reorderProbability ?? 0,
    reorderWindowMs: over.reorderWindowMs ?? base.reorderWindowMs ?? 10,
    lossProbability: over.lossProbability ?? base.lossProbability ?? 0,
    duplicateProbability: over.duplicateProbability ?? base.duplicateProbability ?? 0,
  };
}

/** Draws one message's delay over `link` (latency, jitter, reordering) from `rng`. */
export function sampleDelay(link: CompiledLink, rng: Prng): number {
  let ms: number;
  if (link.latencyKind === 0) ms = link.a;
  else if (link.latencyKind === 1) ms = link.a + (link.b - link.a) * rng.next();
  else ms = link.a * Math.exp(link.b * rng.normal());
  if (link.jitterMs > 0) ms += link.jitterMs * rng.next();
  if (link.reorderProbability > 0 && rng.next() < link.reorderProbability) {
    ms += link.reorderWindowMs * rng.next();
  }
  return ms;
}
