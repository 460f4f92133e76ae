import type { Env } from "./env.js";

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
