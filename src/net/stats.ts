/**
 * Counters the transport keeps, by reason, so every message that did not
 * arrive and every frame that was refused is accounted for. Reported in a
 * node's status lines and as prom-client metrics.
 */
export interface TransportStats {
  /** Messages handed to a socket. */
  sent: number;
  /** Messages that passed validation and reached the protocol. */
  delivered: number;
  /** Messages dropped, by reason: before sending (`queueFull`, `unknownPeer`, `tooLarge`, `closed`) or on arrival before the protocol started (`notStarted`). */
  readonly dropped: Record<string, number>;
  /** Inbound connections closed for a bad frame, by reason (`oversized`, `decode`, `envelope`, `validate`, `handshake`…). */
  readonly rejected: Record<string, number>;
  /** Outbound connections established (first connects and reconnects). */
  connects: number;
  /** Socket writes of message batches (each carries every message queued in one event-loop turn). */
  writes: number;
  /** Bytes written to sockets. */
  bytesOut: number;
  /** Bytes read from sockets. */
  bytesIn: number;
}

/** Fresh, all-zero stats. */
export function newStats(): TransportStats {
  return {
    sent: 0,
    delivered: 0,
    dropped: {},
    rejected: {},
    connects: 0,
    writes: 0,
    bytesOut: 0,
    bytesIn: 0,
  };
}

/** Adds `by` to `counts[reason]`. */
export function countReason(counts: Record<string, number>, reason: string, by = 1): void {
  counts[reason] = (counts[reason] ?? 0) + by;
}
