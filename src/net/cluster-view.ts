import { type NodeId, nodeName } from "../core/ids.js";
import type { NodeLine } from "./lines.js";

/** What one node believes and reports, as `cohort start` shows it. */
export interface NodeView {
  readonly node: NodeId;
  pid: number | undefined;
  port: number | undefined;
  /** `starting`, `up`, `stopped`, or `exited (code)`. */
  state: string;
  /** Peer → the last membership word this node said about it (`suspect`, `trust`, `dead`, …). */
  readonly peers: Map<NodeId, string>;
  connected: number;
  sent: number;
  delivered: number;
  dropped: number;
  rejected: number;
  /** The last event, as `type peer` or `type`. */
  lastEvent: string;
  lastEventMs: number;
}

/** Event types that say what a node thinks of one peer (`{ type, peer }`). */
const PEER_STATES = new Set([
  "suspect",
  "trust",
  "join",
  "dead",
  "left",
  "alive",
  "heard",
  "silent",
]);

/**
 * Folds node lines into each node's view of the cluster: its process state,
 * its transport counters, and what it last said about each peer. Works for any
 * protocol whose events name a `peer`; others still get counters and last event.
 */
export class ClusterView {
  readonly nodes: NodeView[];

  constructor(count: number) {
    this.nodes = Array.from({ length: count }, (_, node) => ({
      node,
      pid: undefined,
      port: undefined,
      state: "starting",
      peers: new Map<NodeId, string>(),
      connected: 0,
      sent: 0,
      delivered: 0,
      dropped: 0,
      rejected: 0,
      lastEvent: "",
      lastEventMs: 0,
    }));
  }

  /** Applies one line from a node. */
  apply(line: NodeLine): void {
    const view = this.nodes[line.node];
    if (view === undefined) return;
    switch (line.kind) {
      case "listening":
        view.pid = line.pid;
        view.port = line.port;
        view.state = "listening";
        break;
      case "ready":
        view.pid = line.pid;
        view.port = line.port;
        view.state = "up";
        break;
      case "status":
        view.connected = line.connected.length;
        view.sent = line.sent;
        view.delivered = line.delivered;
        view.dropped = sum(line.dropped);
        view.rejected = sum(line.rejected);
        break;
      case "event":
        this.applyEvent(view, line.event.type, line.event.peer, line.atMs);
        break;
      case "stopped":
        view.state = "stopped";
        break;
    }
  }

  /** Records that node `node`'s process exited. */
  exited(node: NodeId, code: number | null, signal: string | null): void {
    const view = this.nodes[node];
    if (view === undefined || view.state === "stopped") return;
    view.state = code === null ? `killed (${signal})` : `exited (${code})`;
  }

  /** Peers node `node` currently holds in `state` (e.g. `suspect`), ascending. */
  peersIn(node: NodeId, state: string): NodeId[] {
    const out: NodeId[] = [];
    for (const [peer, s] of this.nodes[node]?.peers ?? []) if (s === state) out.push(peer);
    return out.sort((a, b) => a - b);
  }

  /** One line per node, for the live terminal table. */
  render(): string[] {
    const rows = [`node  pid      state     links  sent      recv      drop  rej  view`];
    for (const v of this.nodes) {
      const suspects = this.peersIn(v.node, "suspect").concat(this.peersIn(v.node, "silent"));
      const dead = this.peersIn(v.node, "dead");
      const view =
        (suspects.length === 0 ? "all trusted" : `suspects ${suspects.map(nodeName).join(",")}`) +
        (dead.length === 0 ? "" : `; dead ${dead.map(nodeName).join(",")}`);
      rows.push(
        [
          nodeName(v.node).padEnd(5),
          String(v.pid ?? "-").padEnd(8),
          v.state.padEnd(9),
          `${v.connected}/${this.nodes.length - 1}`.padEnd(6),
          String(v.sent).padEnd(9),
          String(v.delivered).padEnd(9),
          String(v.dropped).padEnd(5),
          String(v.rejected).padEnd(4),
          `${view}${v.lastEvent === "" ? "" : `  (last: ${v.lastEvent})`}`,
        ].join(" "),
      );
    }
    return rows;
  }

  private applyEvent(view: NodeView, type: string, peer: unknown, atMs: number): void {
    // A `view` event restates the peer events just before it.
    if (type === "view") return;
    view.lastEventMs = atMs;
    if (typeof peer === "number") {
      view.lastEvent = `${type} ${nodeName(peer)}`;
      if (PEER_STATES.has(type)) view.peers.set(peer, type);
    } else {
      view.lastEvent = type;
    }
  }
}

/** One event as a plain terminal line: `n0 suspect n2`. */
export function eventText(line: NodeLine): string | undefined {
  if (line.kind !== "event") return undefined;
  const { type, peer, ...rest } = line.event;
  const who = typeof peer === "number" ? ` ${nodeName(peer)}` : "";
  const more = Object.keys(rest).length === 0 ? "" : ` ${JSON.stringify(rest)}`;
  return `${nodeName(line.node)} ${type}${who}${more}`;
}

function sum(counts: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const n of Object.values(counts)) total += n;
  return total;
}
