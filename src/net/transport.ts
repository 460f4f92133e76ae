import { createServer as netServer, type Server, type Socket } from "node:net";
import { createServer as tlsServer } from "node:tls";
import { assert } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import type { Logger } from "../core/observe.js";
import { InboundConnection } from "./inbound.js";
import type { NetLimits } from "./limits.js";
import { type PeerAddress, PeerLink } from "./peer-link.js";
import { countReason, newStats, type TransportStats } from "./stats.js";
import type { TlsMaterial } from "./tls.js";

/** How to build a transport for one node. */
export interface TransportOptions {
  readonly self: NodeId;
  /** Where every node of the cluster listens, indexed by NodeId (this node's own entry included). */
  readonly addresses: readonly PeerAddress[];
  /** Protocol name, checked in every handshake. */
  readonly protocol: string;
  /** The protocol's validator for inbound messages. */
  readonly validate: (msg: unknown) => string | undefined;
  /** Called for every inbound message that passed validation. */
  readonly deliver: (from: NodeId, msg: unknown) => void;
  readonly limits: NetLimits;
  readonly log: Logger;
  /** A uniform [0, 1) source for reconnect jitter. */
  readonly random: () => number;
  /** Certificates for mutual TLS; plain TCP when absent. */
  readonly tls?: TlsMaterial;
}

/**
 * TCP (optionally mutual-TLS) messaging between the nodes of one cluster.
 * Each node dials every peer once and sends only on that outbound connection;
 * it receives on the connections peers dial to it. Sends never block and never
 * throw: what cannot be queued is dropped and counted in `stats.dropped`.
 * Bad inbound frames close only the connection that carried them.
 */
export class TcpTransport {
  /** Counters of everything sent, delivered, dropped and rejected. */
  readonly stats: TransportStats = newStats();
  private readonly links: (PeerLink | undefined)[] = [];
  private readonly inbound = new Set<InboundConnection>();
  private server: Server | undefined;

  constructor(private readonly options: TransportOptions) {
    const { self, addresses } = options;
    assert(
      self >= 0 && self < addresses.length,
      `self ${self} outside cluster of ${addresses.length}`,
    );
  }

  /** Listens on this node's address; resolves with the bound port. Rejects if the port is taken. */
  async listen(): Promise<number> {
    const { self, addresses, tls } = this.options;
    const server =
      tls === undefined
        ? netServer((socket) => this.accept(socket))
        : tlsServer(
            {
              ca: tls.ca,
              cert: tls.cert,
              key: tls.key,
              requestCert: true,
              rejectUnauthorized: true,
            },
            (socket) => this.accept(socket),
          );
    server.on("tlsClientError", (error: Error) => {
      countReason(this.stats.rejected, "tls");
      this.options.log.warn("tls handshake refused; connection closed", {
        reason: "tls",
        why: error.message,
      });
    });
    this.server = server;
    const own = addresses[self];
    assert(own !== undefined, `no address for self ${self}`);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: own.host, port: own.port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const bound = server.address();
    assert(bound !== null && typeof bound === "object", "server has no address after listen");
    return bound.port;
  }

  /** Starts dialling every peer. */
  connect(): void {
    const { self, addresses, tls } = this.options;
    const ctx = {
      self,
      protocol: this.options.protocol,
      nodes: addresses.length,
      limits: this.options.limits,
      log: this.options.log,
      stats: this.stats,
      random: this.options.random,
      tls: tls === undefined ? undefined : (peer: NodeId) => tls.clientFor(peer),
    };
    addresses.forEach((address, peer) => {
      if (peer === self) return;
      const link = new PeerLink(peer, address, ctx);
      this.links[peer] = link;
      link.start();
    });
  }

  /** Queues `msg` for `to`; drops it (counted) when `to` is no peer or its queue is full. */
  send(to: NodeId, msg: unknown): void {
    const link = this.links[to];
    if (link === undefined) {
      countReason(this.stats.dropped, "unknownPeer");
      return;
    }
    link.send(msg);
  }

  /** Dials at once every peer whose link is waiting out a reconnect delay. */
  redialNow(): void {
    for (const link of this.links) link?.redialNow();
  }

  /** Peers with an established outbound connection. */
  connectedPeers(): NodeId[] {
    const out: NodeId[] = [];
    this.links.forEach((link, peer) => {
      if (link?.connected) out.push(peer);
    });
    return out;
  }

  /** Flushes queued messages, closes every connection and the listener. */
  async close(): Promise<void> {
    for (const link of this.links) link?.close();
    for (const connection of this.inbound) connection.close();
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const { inboundConnectionsMax } = this.options.limits;
    if (this.inbound.size >= inboundConnectionsMax) {
      countReason(this.stats.rejected, "tooManyConnections");
      this.options.log.warn("connection refused; inboundConnectionsMax reached", {
        remote: `${socket.remoteAddress}:${socket.remotePort}`,
        reason: "tooManyConnections",
        why: `${this.inbound.size} inbound connections open, at most ${inboundConnectionsMax}`,
      });
      socket.destroy();
      return;
    }
    const connection: InboundConnection = new InboundConnection(socket, {
      self: this.options.self,
      protocol: this.options.protocol,
      nodes: this.options.addresses.length,
      limits: this.options.limits,
      log: this.options.log,
      stats: this.stats,
      validate: this.options.validate,
      deliver: this.options.deliver,
      tls: this.options.tls !== undefined,
    });
    this.inbound.add(connection);
    socket.on("close", () => this.inbound.delete(connection));
  }
}
