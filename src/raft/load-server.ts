import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { ProtocolNode } from "../core/protocol.js";
import type { RaftConfig } from "./config.js";
import { GROUP_COMMIT_TAG, GroupCommit } from "./load-group-commit.js";
import type { RaftMessage } from "./messages.js";
import { RaftNode, type RaftTimer } from "./node.js";

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
 * state. With `groupCommit` the node's syncs are coalesced (`GroupCommit`);
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
    private readonly groupCommit: boolean,
  ) {
    this.raft = new RaftNode(id, config, servers);
    this.servers = servers;
  }

  private readonly servers: readonly NodeId[];
  private group: GroupCommit<RaftMessage> | undefined;

  start(env: Env<RaftMessage, string>, recovered: boolean): void {
    this.env = env;
    const missing = this.servers.filter((s) => !env.cluster.includes(s));
    assert(
      missing.length === 0,
      () =>
        `raft-load: ${this.servers.length} servers configured but the cluster has ${env.cluster.length} nodes`,
    );
    this.group = this.groupCommit ? new GroupCommit(env) : undefined;
    const raftEnv = this.group?.wrap() ?? env;
    // Raft sets only its own tags ("tick"), which onTimer hands back to it.
    this.raft.start(raftEnv as Env<RaftMessage, RaftTimer>, recovered);
    if (this.reportMs > 0) env.setTimer(this.reportMs, REPORT);
  }

  onMessage(from: NodeId, msg: RaftMessage): void {
    this.raft.onMessage(from, msg);
  }

  onTimer(tag: string): void {
    if (tag === GROUP_COMMIT_TAG && this.group !== undefined) {
      this.group.flush();
      return;
    }
    if (tag !== REPORT) {
      this.raft.onTimer(tag as RaftTimer);
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
      ...(this.group === undefined ? {} : this.group.counts),
    };
  }
}
