import { adaptEnv } from "../core/env-wrap.js";
import type { Env, HostNotice, NodeId, ProtocolNode, TimerId } from "../core/index.js";
import { Prng } from "../sim/prng.js";

/**
 * Extra one-way latency (ms, ≥ 0) of a message from `from` that reaches `to`
 * at `atMs`, drawn with `rng`. It may change with time (a drifting latency)
 * and differ per link (two regions).
 */
export type LatencyShape = (from: NodeId, to: NodeId, atMs: number, rng: Prng) => number;

/** A timer of a shaped node: the inner node's own, or the release of a held message. */
export type ShapedTimer<T> = { readonly inner: T } | { readonly release: number };

/** The Prng stream of node `id`'s shaper; far from the simulator's own streams. */
const SHAPER_STREAM = 0x5a4e0000;

/**
 * Wraps `node` so every message it receives is held for `shape(...)` more
 * milliseconds before `onMessage` sees it: a latency model the simulator's
 * static links cannot express, added at the receiver so messages a crashed
 * sender had in flight still arrive. Draws come from the node's own stream
 * of `seed`, so the inner node's `env.random()` sequence is untouched and the
 * run stays deterministic. Held messages are lost if the receiver crashes.
 */
export function shapeLatency<M, T>(
  node: ProtocolNode<M, T>,
  shape: LatencyShape,
  seed: number,
  id: NodeId,
): ProtocolNode<M, ShapedTimer<T>> {
  const rng = new Prng(seed, SHAPER_STREAM + id);
  const held = new Map<number, { from: NodeId; msg: M }>();
  let nextHeld = 0;
  let outer: Env<M, ShapedTimer<T>> | undefined;
  const shaped: ProtocolNode<M, ShapedTimer<T>> = {
    start(env, recovered) {
      outer = env;
      const inner = adaptEnv<M, ShapedTimer<T>, M, T>(env, {
        send: (to, msg) => env.send(to, msg),
        setTimer: (afterMs, tag): TimerId => env.setTimer(afterMs, { inner: tag }),
      });
      node.start(inner, recovered);
    },
    onMessage(from, msg) {
      const env = outer!;
      const extraMs = shape(from, env.self, env.now(), rng);
      if (!(extraMs > 0)) {
        node.onMessage(from, msg);
        return;
      }
      nextHeld += 1;
      held.set(nextHeld, { from, msg });
      env.setTimer(extraMs, { release: nextHeld });
    },
    onTimer(tag) {
      if ("inner" in tag) {
        node.onTimer(tag.inner);
        return;
      }
      const m = held.get(tag.release);
      if (m === undefined) return;
      held.delete(tag.release);
      node.onMessage(m.from, m.msg);
    },
  };
  if (node.onNotice !== undefined) {
    const onNotice = node.onNotice.bind(node);
    shaped.onNotice = (notice: HostNotice) => onNotice(notice);
  }
  if (node.stop !== undefined) {
    const stop = node.stop.bind(node);
    shaped.stop = () => stop();
  }
  return shaped;
}

/** A log-normal draw with median `medianMs` and shape `sigma`. */
export function lognormalMs(rng: Prng, medianMs: number, sigma: number): number {
  return medianMs * Math.exp(sigma * rng.normal());
}
