import type { Env } from "./env.js";
import type { NodeId, TimerId } from "./ids.js";
import type { DurableStorage } from "./storage.js";

/** The members of an `Env` that a wrapper may replace. */
export type EnvOverrides<M, T> = Partial<Pick<Env<M, T>, "send" | "emit">>;

/**
 * A copy of `env` whose members call the original, with `send` and `emit`
 * replaced where `overrides` gives them. For composing protocols (a detector
 * inside an election) and for test wrappers that watch or filter what a node
 * does. Every member is forwarded explicitly, since a spread would drop a
 * host's getters and prototype methods.
 */
export function wrapEnv<M, T>(env: Env<M, T>, overrides: EnvOverrides<M, T>): Env<M, T> {
  return {
    self: env.self,
    cluster: env.cluster,
    now: () => env.now(),
    send: overrides.send ?? ((to, msg) => env.send(to, msg)),
    setTimer: (afterMs, tag) => env.setTimer(afterMs, tag),
    cancelTimer: (id) => env.cancelTimer(id),
    random: () => env.random(),
    buggify: (site) => env.buggify(site),
    storage: env.storage,
    emit: overrides.emit ?? ((event) => env.emit(event)),
    log: env.log,
    metrics: env.metrics,
  };
}

/**
 * What an adapted Env must say for itself: how the inner node's messages and
 * timer tags reach the outer Env (they may differ in type); optionally its own
 * `emit` and `storage`.
 */
export interface EnvAdapter<MI, TI> {
  readonly send: (to: NodeId, msg: MI) => void;
  readonly setTimer: (afterMs: number, tag: TI) => TimerId;
  readonly emit?: Env<MI, TI>["emit"];
  readonly storage?: DurableStorage;
}

/**
 * An Env for a node nested inside another (a replica inside a broadcast node,
 * a detector inside an election): its messages and timer tags go through
 * `adapter` (wrapped, prefixed, held back), everything else is forwarded to
 * `env` explicitly, as in `wrapEnv`.
 */
export function adaptEnv<MO, TO, MI, TI>(
  env: Env<MO, TO>,
  adapter: EnvAdapter<MI, TI>,
): Env<MI, TI> {
  return {
    self: env.self,
    cluster: env.cluster,
    now: () => env.now(),
    send: adapter.send,
    setTimer: adapter.setTimer,
    cancelTimer: (id) => env.cancelTimer(id),
    random: () => env.random(),
    buggify: (site) => env.buggify(site),
    storage: adapter.storage ?? env.storage,
    emit: adapter.emit ?? ((event) => env.emit(event)),
    log: env.log,
    metrics: env.metrics,
  };
}
