import { assert } from "../core/assert.js";
import { describeValue, isRecord } from "../core/validate.js";

/** One operation on the key-value state machine. Keys and values are strings. */
export type KvOp =
  | { readonly op: "get"; readonly key: string }
  | { readonly op: "put"; readonly key: string; readonly value: string }
  | { readonly op: "delete"; readonly key: string }
  | { readonly op: "cas"; readonly key: string; readonly from: string; readonly to: string }
  /** Keys in [start, end), ascending, at most `limit` of them. */
  | { readonly op: "range"; readonly start: string; readonly end: string; readonly limit: number };

/** What an operation returned. `cas.ok` is false when the key did not hold `from`. */
export type KvResult =
  | { readonly op: "get"; readonly value: string | null }
  | { readonly op: "put" }
  | { readonly op: "delete"; readonly existed: boolean }
  | { readonly op: "cas"; readonly ok: boolean; readonly current: string | null }
  | { readonly op: "range"; readonly pairs: readonly (readonly [string, string])[] };

/** A write as it sits in the log: the client's session id and sequence number make retries idempotent. */
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
      return `${where}.op: expected one of get, put, delete, cas, range, got ${describeValue(value.op)}`;
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

/** What applying a command did: its result, or that it was a stale retry of an older command. */
export type ApplyOutcome =
  | { readonly kind: "applied"; readonly result: KvResult; readonly duplicate: boolean }
  | { readonly kind: "stale"; readonly lastSeq: number };

/**
 * The replicated key-value state machine. Applying the same commands in the
 * same order gives the same state on every replica (no clocks, no randomness,
 * `Map` iteration in insertion order). A command whose (clientId, seq) was
 * already applied returns the first result and changes nothing: a client's
 * retry is applied exactly once, as long as its session was not evicted.
 */
export class KvStateMachine {
  private readonly data = new Map<string, string>();
  private readonly sessions = new Map<number, Session>();
  /** Commands executed (not counting duplicates), for tests and metrics. */
  executedCount = 0;

  constructor(private readonly sessionsMax: number) {
    assert(sessionsMax >= 1, `sessionsMax must be >= 1, got ${sessionsMax}`);
  }

  /** Applies one committed command. */
  apply(command: KvCommand): ApplyOutcome {
    const session = this.sessions.get(command.clientId);
    if (session !== undefined && command.seq <= session.seq) {
      if (command.seq === session.seq) {
        return { kind: "applied", result: session.result, duplicate: true };
      }
      return { kind: "stale", lastSeq: session.seq };
    }
    const result = this.execute(command.op);
    this.executedCount++;
    // Re-insert so the Map's order is least recently used first.
    this.sessions.delete(command.clientId);
    this.sessions.set(command.clientId, { seq: command.seq, result });
    if (this.sessions.size > this.sessionsMax) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return { kind: "applied", result, duplicate: false };
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

  private execute(op: KvOp): KvResult {
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
