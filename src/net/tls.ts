import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ConnectionOptions } from "node:tls";
import { type NodeId, nodeName } from "../core/ids.js";

/** Certificates for mutual TLS: a cluster CA, and this node's certificate and key. */
export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Options for dialling `peer`: presents our certificate, and accepts only a certificate whose CN names `peer`. */
  clientFor(peer: NodeId): ConnectionOptions;
}

/**
 * Reads `DIR/ca.pem`, `DIR/nI.pem` and `DIR/nI.key` for node I. Both sides
 * present certificates signed by the CA; a node's certificate must carry
 * `CN=nI`, which the dialler checks against the peer it meant to reach and the
 * listener checks against the id the peer's hello claims.
 * Throws an Error naming the missing or unreadable file.
 */
export function loadTls(dir: string, self: NodeId): TlsMaterial {
  const read = (name: string): Buffer => {
    const path = join(dir, name);
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`tls: cannot read ${path}: ${(error as Error).message}`);
    }
  };
  const ca = read("ca.pem");
  const cert = read(`${nodeName(self)}.pem`);
  const key = read(`${nodeName(self)}.key`);
  const clientFor = (peer: NodeId): ConnectionOptions => ({
    ca,
    cert,
    key,
    rejectUnauthorized: true,
    // Peers are addressed by IP; their identity is the certificate's CN.
    checkServerIdentity: (_host, peerCert) => {
      const cn = peerCert.subject?.CN;
      return cn === nodeName(peer)
        ? undefined
        : new Error(`expected a certificate for ${nodeName(peer)}, got CN ${String(cn)}`);
    },
  });
  return { ca, cert, key, clientFor };
}
