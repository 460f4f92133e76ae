import { wrapEnv } from "../../core/env-wrap.js";
import type { Env, Protocol, ProtocolEvent, ProtocolNode } from "../../core/index.js";

/**
 * Planted bugs for proving that checks catch them: wraps a protocol so its
 * nodes never report events of the `dropped` types (a detector that never
 * suspects drops `suspect` and `dead`; one that never forgives drops `trust`).
 */
export function withoutEvents<M, T, C>(
  protocol: Protocol<M, T, C>,
  dropped: readonly string[],
): Protocol<M, T, C> {
  return {
    ...protocol,
    name: `${protocol.name} (planted bug: never emits ${dropped.join(", ")})`,
    create(id, config) {
      const inner = protocol.create(id, config);
      const node: ProtocolNode<M, T> = {
        start(env: Env<M, T>, recovered: boolean) {
          const emit = (event: ProtocolEvent) => {
            if (!dropped.includes(event.type)) env.emit(event);
          };
          inner.start(wrapEnv(env, { emit }), recovered);
        },
        onMessage: (from, msg) => inner.onMessage(from, msg),
        onTimer: (tag) => inner.onTimer(tag),
      };
      return node;
    },
  };
}
