import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { ProtocolNode } from "../core/protocol.js";
import type { RaftConfig } from "./config.js";
import { GroupCommitNode } from "./group-commit-node.js";
import type { RaftMessage } from "./messages.js";
import { RaftNode } from "./node.js";

/** The timer tag of the state report; Raft's own timers are passed through. */
const REPORT = "raftState";

/**
 * FNV-1a (32 bits) over the key-value pairs in key order: equal state
 * machines give equal digests, and a difference in any key or value almost
 * surely changes it. Hex, 8 digits.
 */
export function kvDigest(entries: readonly (readonly [string, string])[]): string {
  let h = 0x811c9dc5;
  const mix = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    // Close each string, so that ("ab", "c") and ("a", "bc") hash differently.
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  };
  for (const [key, value] of entries) {
    mix(key);
    mix(value);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * A Raft server of the `raft-load` protocol: the stock `RaftNode`, built with
 * the servers as its initial configuration (the load drivers are not members),
 * and, every `reportMs`, a `raftState` event — role, term, leader, commit and
 * applied index, the number of keys and `kvDigest` of its state machine — so
 * whoever watches the processes can tell that two servers applied the same
 * state. With `groupCommit` the node's syncs are coalesced (`GroupCommitNode`);
 * otherwise the wrapper only reads the node. Raft itself is unchanged.
 */
export class LoadServer implements ProtocolNode<RaftMessage, string> {
  readonly raft: RaftNode;
  private env!: Env<RaftMessage, string>;

  constructor(
    readonly id: NodeId,
    config: RaftConfig,
    servers: readonly NodeId[],
    private readonly reportMs: number,
    groupCommit: boolean,
  ) {
    this.raft = new RaftNode(id, config, servers);
    this.servers = servers;
    this.node = groupCommit
      ? new GroupCommitNode(this.raft)
      : (this.raft as ProtocolNode<RaftMessage, string>);
  }

  private readonly servers: readonly NodeId[];
  /** The Raft node as it runs: wrapped in group commit, or bare. */
  private readonly node: ProtocolNode<RaftMessage, string>;

  start(env: Env<RaftMessage, string>, recovered: boolean): void {
    this.env = env;
    const missing = this.servers.filter((s) => !env.cluster.includes(s));
    assert(
      missing.length === 0,
      () =>
        `raft-load: ${this.servers.length} servers configured but the cluster has ${env.cluster.length} nodes`,
    );
    // Raft sets only its own tags ("tick", and group commit's flush), handed back by onTimer.
    this.node.start(env, recovered);
    if (this.reportMs > 0) env.setTimer(this.reportMs, REPORT);
  }

  onMessage(from: NodeId, msg: RaftMessage): void {
    this.node.onMessage(from, msg);
  }

  onTimer(tag: string): void {
    if (tag !== REPORT) {
      this.node.onTimer(tag);
      return;
    }
    this.env.setTimer(this.reportMs, REPORT);
    this.env.emit(this.state());
  }

  /** The `raftState` event: where this server is and a digest of what it applied. */
  state(): { type: "raftState"; [field: string]: unknown } {
    const v = this.raft.inspect();
    const entries = this.raft.kvEntries();
    return {
      type: "raftState",
      role: v.role,
      term: v.term,
      leader: v.leader,
      commitIndex: v.commitIndex,
      appliedIndex: v.appliedIndex,
      keys: entries.length,
      digest: kvDigest(entries),
      ...(this.node instanceof GroupCommitNode ? this.node.counts : {}),
    };
  }
}
