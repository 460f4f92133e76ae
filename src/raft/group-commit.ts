import type { Env } from "../core/env.js";
import { adaptEnv } from "../core/env-wrap.js";
import type { NodeId } from "../core/ids.js";
import type { DurableStorage } from "../core/storage.js";

/** The timer tag on which a group commit syncs and releases what it held. */
export const GROUP_COMMIT_TAG = "groupCommit";

/**
 * Group commit for a node that syncs at the end of every handler (as
 * `RaftNode` does): the node's `sync()` only marks the storage as owing a
 * sync, and from then on every message it sends is held back. One timer of 0
 * ms later — after the host has delivered everything that arrived together —
 * `flush()` syncs once and sends what was held, in order. So no message leaves
 * before the writes made before it are durable (what syncing in each handler
 * guaranteed), and a burst of N messages costs one fsync instead of N.
 *
 * A crash before the flush loses the unsynced writes and the held messages
 * together, which to everyone else is the same as those deliveries being lost.
 * The owner must hand the `GROUP_COMMIT_TAG` timer to `flush()`.
 */
export class GroupCommit<M> {
  private owesSync = false;
  private armed = false;
  private readonly held: { to: NodeId; msg: M }[] = [];
  /** `sync()` calls by the node, and real syncs done: their ratio is the mean group size. */
  readonly counts = { syncsAsked: 0, syncsDone: 0, heldMessages: 0 };

  constructor(private readonly env: Env<M, string>) {}

  /** The Env to give the node: `env` with `storage.sync` and `send` deferred as above. */
  wrap(): Env<M, string> {
    const env = this.env;
    const storage: DurableStorage = {
      get: (key) => env.storage.get(key),
      put: (key, value) => env.storage.put(key, value),
      delete: (key) => env.storage.delete(key),
      keys: (prefix) => env.storage.keys(prefix),
      sync: () => this.askSync(),
      get recovery() {
        return env.storage.recovery;
      },
    };
    return adaptEnv(env, {
      send: (to, msg) => this.send(to, msg),
      setTimer: (afterMs, tag) => env.setTimer(afterMs, tag),
      storage,
    });
  }

  /** Syncs once for everything asked since the last flush, then sends what was held. */
  flush(): void {
    this.armed = false;
    if (this.owesSync) {
      this.env.storage.sync();
      this.owesSync = false;
      this.counts.syncsDone++;
    }
    for (const { to, msg } of this.held) this.env.send(to, msg);
    this.held.length = 0;
  }

  private askSync(): void {
    this.counts.syncsAsked++;
    this.owesSync = true;
    if (!this.armed) {
      this.armed = true;
      this.env.setTimer(0, GROUP_COMMIT_TAG);
    }
  }

  private send(to: NodeId, msg: M): void {
    if (!this.owesSync && this.held.length === 0) {
      this.env.send(to, msg);
      return;
    }
    this.counts.heldMessages++;
    this.held.push({ to, msg });
  }
}
