import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { HostNotice, ProtocolNode } from "../core/protocol.js";
import { GROUP_COMMIT_TAG, GroupCommit } from "./group-commit.js";

/** The timers of a node wrapped by `GroupCommitNode`: its own, and the flush. */
export type GroupCommitTimer<T extends string> = T | typeof GROUP_COMMIT_TAG;

/**
 * Wraps a node that syncs at the end of every handler (as `RaftNode` does) in
 * `GroupCommit`: its syncs and the messages sent after them wait for one sync
 * a 0 ms timer later, so a burst of handlers costs one fsync and nothing leaves
 * before the writes made before it are durable. What the inner node sees is
 * unchanged; only when its syncs happen and its messages leave moves.
 */
export class GroupCommitNode<M, T extends string> implements ProtocolNode<M, GroupCommitTimer<T>> {
  private group: GroupCommit<M> | undefined;

  constructor(readonly inner: ProtocolNode<M, T>) {}

  /** Syncs asked by the inner node and syncs done: their ratio is the mean group size. */
  get counts(): GroupCommit<M>["counts"] | undefined {
    return this.group?.counts;
  }

  start(env: Env<M, GroupCommitTimer<T>>, recovered: boolean): void {
    this.group = new GroupCommit(env as Env<M, string>);
    // The inner node sets only its own tags, which onTimer hands back to it.
    this.inner.start(this.group.wrap() as Env<M, T>, recovered);
  }

  onMessage(from: NodeId, msg: M): void {
    this.inner.onMessage(from, msg);
  }

  onTimer(tag: GroupCommitTimer<T>): void {
    if (tag === GROUP_COMMIT_TAG) {
      this.group?.flush();
      return;
    }
    this.inner.onTimer(tag as T);
  }

  onNotice(notice: HostNotice): void {
    this.inner.onNotice?.(notice);
  }

  stop(): void {
    // Whatever a handler promised is made durable and sent before the node goes quiet.
    this.group?.flush();
    this.inner.stop?.();
  }
}
