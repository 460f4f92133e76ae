/**
 * Every bound the real host enforces, with units in the names. One validated
 * object so a test can shrink them (a tiny `frameBytesMax`, a short backoff)
 * and a user can see at a glance what the host will refuse.
 */
export interface NetLimits {
  /** Largest frame accepted or sent, in bytes, kind byte included. Larger inbound frames close the connection. */
  readonly frameBytesMax: number;
  /** Messages waiting for one peer before further sends to it are dropped (`queueFull`). */
  readonly sendQueueMax: number;
  /** Bytes buffered in one socket before the link stops encoding and waits for `drain`. */
  readonly socketBufferBytesMax: number;
  /** First reconnect delay after a lost or refused connection, in ms. */
  readonly reconnectMsMin: number;
  /** Largest reconnect delay, in ms; delays double from the minimum up to it, with jitter. */
  readonly reconnectMsMax: number;
  /** How long an inbound connection may stay silent before its handshake arrives, in ms. */
  readonly handshakeMsMax: number;
  /** Inbound connections open at once; one more is closed at once (`rejected.tooManyConnections`). */
  readonly inboundConnectionsMax: number;
}

/** Defaults sized for small protocol messages on loopback. */
export const DEFAULT_LIMITS: NetLimits = {
  frameBytesMax: 1 << 20,
  sendQueueMax: 65_536,
  socketBufferBytesMax: 4 << 20,
  reconnectMsMin: 50,
  reconnectMsMax: 2_000,
  handshakeMsMax: 5_000,
  inboundConnectionsMax: 1_024,
};

/** The first field of `limits` out of range, as `field: expected …, got …`, or undefined. */
export function checkLimits(limits: NetLimits): string | undefined {
  const ranges: [keyof NetLimits, number, number][] = [
    ["frameBytesMax", 16, 1 << 30],
    ["sendQueueMax", 1, 1 << 24],
    ["socketBufferBytesMax", 1024, 1 << 30],
    ["reconnectMsMin", 1, 60_000],
    ["reconnectMsMax", 1, 600_000],
    ["handshakeMsMax", 1, 600_000],
    ["inboundConnectionsMax", 1, 1 << 20],
  ];
  for (const [field, min, max] of ranges) {
    const v = limits[field];
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      return `${field}: expected an integer in ${min}..${max}, got ${v}`;
    }
  }
  if (limits.reconnectMsMax < limits.reconnectMsMin) {
    return `reconnectMsMax: expected >= reconnectMsMin (${limits.reconnectMsMin}), got ${limits.reconnectMsMax}`;
  }
  return undefined;
}
