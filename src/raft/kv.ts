import { assert } from "../core/assert.js";
import { describeValue, isRecord } from "../core/validate.js";

/**
 * One operation on the key-value state machine. Keys and values are strings.
 * `register` opens a client session (thesis §6.3): it goes through the log,
 * and the session's id is the index of its entry.
 */
export type KvOp =
  | { readonly op: "register" }
  | { readonly op: "get"; readonly key: string }
  | { readonly op: "put"; readonly key: string; readonly value: string }
  | { readonly op: "delete"; readonly key: string }
  | { readonly op: "cas"; readonly key: string; readonly from: string; readonly to: string }
  /** Keys in [start, end), ascending, at most `limit` of them. */
  | { readonly op: "range"; readonly start: string; readonly end: string; readonly limit: number };

/** What an operation returned. `cas.ok` is false when the key did not hold `from`. */
export type KvResult =
  /** The new session's id: use it as `clientId`, with sequence numbers from 2 (the registration was 1). */
  | { readonly op: "register"; readonly clientId: number }
  | { readonly op: "get"; readonly value: string | null }
  | { readonly op: "put" }
  | { readonly op: "delete"; readonly existed: boolean }
  | { readonly op: "cas"; readonly ok: boolean; readonly current: string | null }
  | { readonly op: "range"; readonly pairs: readonly (readonly [string, string])[] };

/**
 * A write as it sits in the log: the client's session id and sequence number
 * make retries idempotent. A `register` ignores both (send 0 and 0).
 */
export interface KvCommand {
  readonly clientId: number;
  readonly seq: number;
  readonly op: KvOp;
}

/** Limits on operations, from the Raft config. */
export interface KvLimits {
  readonly keyLengthMax: number;
  readonly valueLengthMax: number;
  readonly rangeLimitMax: number;
}

/** True for operations that only read, which are served by ReadIndex instead of the log. */
export function isReadOp(op: KvOp): op is Extract<KvOp, { op: "get" | "range" }> {
  return op.op === "get" || op.op === "range";
}

function stringField(
  obj: Record<string, unknown>,
  field: string,
  lengthMax: number,
  where: string,
): string | undefined {
  const v = obj[field];
  if (typeof v !== "string") return `${where}.${field}: expected a string, got ${describeValue(v)}`;
  if (v.length > lengthMax) {
    return `${where}.${field}: expected at most ${lengthMax} characters, got ${v.length}`;
  }
  return undefined;
}

/** Why `value` is not a well-formed `KvOp` within `limits`, or undefined. */
export function kvOpProblem(value: unknown, limits: KvLimits, where = "op"): string | undefined {
  if (!isRecord(value)) return `${where}: expected an object, got ${describeValue(value)}`;
  const k = limits.keyLengthMax;
  switch (value.op) {
    case "register":
      return undefined;
    case "get":
    case "delete":
      return stringField(value, "key", k, where);
    case "put":
      return (
        stringField(value, "key", k, where) ??
        stringField(value, "value", limits.valueLengthMax, where)
      );
    case "cas":
      return (
        stringField(value, "key", k, where) ??
        stringField(value, "from", limits.valueLengthMax, where) ??
        stringField(value, "to", limits.valueLengthMax, where)
      );
    case "range": {
      const lim = value.limit;
      if (typeof lim !== "number" || !Number.isSafeInteger(lim) || lim < 1) {
        return `${where}.limit: expected a positive integer, got ${describeValue(lim)}`;
      }
      if (lim > limits.rangeLimitMax) {
        return `${where}.limit: expected at most ${limits.rangeLimitMax}, got ${lim}`;
      }
      return stringField(value, "start", k, where) ?? stringField(value, "end", k, where);
    }
    default:
      return `${where}.op: expected one of register, get, put, delete, cas, range, got ${describeValue(value.op)}`;
  }
}

/** Why `value` is not a well-formed `KvCommand`, or undefined. */
export function kvCommandProblem(
  value: unknown,
  limits: KvLimits,
  where = "data",
): string | undefined {
  if (!isRecord(value)) return `${where}: expected an object, got ${describeValue(value)}`;
  for (const field of ["clientId", "seq"] as const) {
    const v = value[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      return `${where}.${field}: expected a non-negative integer, got ${describeValue(v)}`;
    }
  }
  return kvOpProblem(value.op, limits, `${where}.op`);
}

/** The state machine as plain data: what a snapshot stores and InstallSnapshot carries. */
export interface KvSnapshot {
  readonly data: readonly (readonly [string, string])[];
  readonly sessions: readonly (readonly [number, number, KvResult])[];
}

/** Why `value` is not a well-formed `KvSnapshot`, or undefined. */
export function kvSnapshotProblem(value: unknown, where = "state"): string | undefined {
  if (!isRecord(value)) return `${where}: expected an object, got ${describeValue(value)}`;
  const { data, sessions } = value;
  if (!Array.isArray(data)) return `${where}.data: expected an array, got ${describeValue(data)}`;
  for (let i = 0; i < data.length; i++) {
    const pair = data[i];
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== "string" ||
      typeof pair[1] !== "string"
    ) {
      return `${where}.data[${i}]: expected [key, value] strings, got ${describeValue(pair)}`;
    }
  }
  if (!Array.isArray(sessions))
    return `${where}.sessions: expected an array, got ${describeValue(sessions)}`;
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i];
    const ok =
      Array.isArray(s) &&
      s.length === 3 &&
      Number.isSafeInteger(s[0]) &&
      Number.isSafeInteger(s[1]) &&
      isRecord(s[2]) &&
      typeof s[2].op === "string";
    if (!ok)
      return `${where}.sessions[${i}]: expected [clientId, seq, result], got ${describeValue(s)}`;
  }
  return undefined;
}

interface Session {
  readonly seq: number;
  readonly result: KvResult;
}

/**
 * What applying a command did: its result; or nothing, because it was a stale
 * retry of an older command, or because its session is unknown (expired, or
 * never registered) and it was not the session's first command.
 */
export type ApplyOutcome =
  | { readonly kind: "applied"; readonly result: KvResult; readonly duplicate: boolean }
  | { readonly kind: "stale"; readonly lastSeq: number }
  | { readonly kind: "expired" };

/** Planted bugs, for tests that prove the checks catch them. */
export interface KvStateMachineOptions {
  /**
   * PLANTED BUG: a command of an unknown session is applied and reopens the
   * session whatever its sequence number (the behaviour before expiry), so a
   * retry after its session was evicted is applied a second time.
   */
  readonly unsafeReopenExpiredSessions?: boolean;
}

/**
 * The replicated key-value state machine with client sessions (thesis §6.3).
 * Applying the same commands in the same order gives the same state on every
 * replica (no clocks, no randomness, `Map` iteration in insertion order):
 * sessions are opened, used and evicted only by `apply`, so every replica
 * evicts the same session at the same entry.
 *
 * Exactly once: a command whose (clientId, seq) was applied returns the
 * first result and changes nothing. At most `sessionsMax` sessions are kept,
 * the least recently used evicted; a command of an unknown session (evicted,
 * or never opened) is not applied (`expired`), so a retry that arrives after
 * its session was evicted can never apply twice: the client learns that the
 * outcome is unknown and registers a new session. A session is opened by a
 * `register` entry (its id is the entry's index, so a replayed registration
 * opens a new session instead of reviving an evicted one) or, for clients
 * that do not register, by a command with seq 1 of an unknown id: such a
 * client's first command, retried after eviction, is the one case that could
 * apply twice (`RaftClient` always registers).
 */
export class KvStateMachine {
  private readonly data = new Map<string, string>();
  private readonly sessions = new Map<number, Session>();
  private readonly reopenExpired: boolean;
  /** Commands executed (not counting duplicates), for tests and metrics. */
  executedCount = 0;
  /** Commands refused because their session was unknown. */
  expiredCount = 0;

  constructor(
    private readonly sessionsMax: number,
    options: KvStateMachineOptions = {},
  ) {
    assert(sessionsMax >= 1, `sessionsMax must be >= 1, got ${sessionsMax}`);
    this.reopenExpired = options.unsafeReopenExpiredSessions ?? false;
  }

  /** Applies the committed command at log index `index`. */
  apply(command: KvCommand, index: number): ApplyOutcome {
    assert(Number.isSafeInteger(index) && index >= 1, `kv: apply at index ${index}`);
    if (command.op.op === "register") {
      const result: KvResult = { op: "register", clientId: index };
      this.touch(index, { seq: 1, result });
      return { kind: "applied", result, duplicate: false };
    }
    const session = this.sessions.get(command.clientId);
    if (session === undefined && command.seq > 1 && !this.reopenExpired) {
      this.expiredCount++;
      return { kind: "expired" };
    }
    if (session !== undefined && command.seq <= session.seq) {
      if (command.seq === session.seq) {
        return { kind: "applied", result: session.result, duplicate: true };
      }
      return { kind: "stale", lastSeq: session.seq };
    }
    const result = this.execute(command.op);
    this.executedCount++;
    this.touch(command.clientId, { seq: command.seq, result });
    return { kind: "applied", result, duplicate: false };
  }

  /** Records `session` as the most recently used, evicting the least recently used past `sessionsMax`. */
  private touch(clientId: number, session: Session): void {
    // Re-insert so the Map's order is least recently used first.
    this.sessions.delete(clientId);
    this.sessions.set(clientId, session);
    if (this.sessions.size > this.sessionsMax) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    assert(this.sessions.size <= this.sessionsMax, "kv: sessions over their bound");
  }

  /** The result already recorded for (clientId, seq), if that command was applied and its session kept. */
  cached(clientId: number, seq: number): KvResult | undefined {
    const session = this.sessions.get(clientId);
    return session !== undefined && session.seq === seq ? session.result : undefined;
  }

  /** Serves a read-only operation from the current state. */
  read(op: Extract<KvOp, { op: "get" | "range" }>): KvResult {
    return this.execute(op);
  }

  /** The whole state (contents and sessions, least recently used first) as plain data for a snapshot. */
  snapshot(): KvSnapshot {
    const sessions: [number, number, KvResult][] = [];
    for (const [clientId, s] of this.sessions) sessions.push([clientId, s.seq, s.result]);
    return { data: [...this.data.entries()], sessions };
  }

  /** Replaces the whole state with a snapshot's. */
  restore(snapshot: KvSnapshot): void {
    this.data.clear();
    this.sessions.clear();
    for (const [key, value] of snapshot.data) this.data.set(key, value);
    for (const [clientId, seq, result] of snapshot.sessions)
      this.sessions.set(clientId, { seq, result });
  }

  /** The current contents, sorted by key: for tests and final-state checks. */
  entries(): [string, string][] {
    return [...this.data.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private execute(op: Exclude<KvOp, { op: "register" }>): KvResult {
    switch (op.op) {
      case "get":
        return { op: "get", value: this.data.get(op.key) ?? null };
      case "put":
        this.data.set(op.key, op.value);
        return { op: "put" };
      case "delete":
        return { op: "delete", existed: this.data.delete(op.key) };
      case "cas": {
        const current = this.data.get(op.key) ?? null;
        if (current !== op.from) return { op: "cas", ok: false, current };
        this.data.set(op.key, op.to);
        return { op: "cas", ok: true, current: op.to };
      }
      case "range":
        return { op: "range", pairs: this.range(op.start, op.end, op.limit) };
    }
  }

  private range(start: string, end: string, limit: number): [string, string][] {
    const pairs: [string, string][] = [];
    for (const [key, value] of this.data) {
      if (key >= start && key < end) pairs.push([key, value]);
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return pairs.slice(0, limit);
  }
}
