import { describeValue } from "../core/index.js";

/** The broadcast abstractions, weakest first. */
export const BROADCAST_VARIANTS = ["best-effort", "reliable", "fifo", "causal", "total"] as const;

/** One broadcast abstraction. */
export type BroadcastVariant = (typeof BROADCAST_VARIANTS)[number];

/** How a broadcast node behaves. */
export interface BroadcastConfig {
  readonly variant: BroadcastVariant;
  /** Every this many ms a node resends each packet a peer has not acknowledged (not best-effort). */
  readonly resendMs: number;
  /** The node that orders messages for `total`. */
  readonly sequencer: number;
  /** Scripted load: each node broadcasts about every this many ms (jittered ×0.5–1.5); 0 = only on request. */
  readonly workEveryMs: number;
  /** Scripted load stops once the node's clock reads this. */
  readonly workUntilMs: number;
}

/** Reliable broadcast, resending every 100 ms, no scripted load. */
export const BROADCAST_DEFAULTS: BroadcastConfig = {
  variant: "reliable",
  resendMs: 100,
  sequencer: 0,
  workEveryMs: 0,
  workUntilMs: 0,
};

/** The first problem of a configuration as `field: expected …, got …`, or undefined. */
export function checkBroadcastConfig(c: BroadcastConfig): string | undefined {
  if (!BROADCAST_VARIANTS.includes(c.variant)) {
    return `variant: expected one of ${BROADCAST_VARIANTS.join(", ")}, got ${describeValue(c.variant)}`;
  }
  const positive = (v: number) => typeof v === "number" && Number.isFinite(v) && v > 0;
  const nonNegative = (v: number) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (!positive(c.resendMs))
    return `resendMs: expected a number > 0, got ${describeValue(c.resendMs)}`;
  if (!Number.isSafeInteger(c.sequencer) || c.sequencer < 0) {
    return `sequencer: expected a node id, got ${describeValue(c.sequencer)}`;
  }
  if (!nonNegative(c.workEveryMs)) {
    return `workEveryMs: expected a number >= 0, got ${describeValue(c.workEveryMs)}`;
  }
  if (!nonNegative(c.workUntilMs)) {
    return `workUntilMs: expected a number >= 0, got ${describeValue(c.workUntilMs)}`;
  }
  return undefined;
}
