import { checkRaftConfig, RAFT_DEFAULTS, type RaftConfig } from "./config.js";

/** What the load driver's logical clients send. */
export type LoadWorkload =
  /** puts only, each to a random key of `keys`, values of `valueBytes` (the benchmark) */
  | "puts"
  /** put, get, cas, delete and range over `keys` keys, unique values (a history worth checking) */
  | "mixed";

/**
 * The `raft-load` protocol's configuration: Raft's own (every server gets it)
 * plus how many nodes are servers and what the load drivers (the other nodes) do.
 */
export interface RaftLoadConfig extends RaftConfig {
  /** Nodes 0..servers-1 run Raft; every node after them runs a load driver. */
  readonly servers: number;
  /** Concurrent logical clients per load driver, each one operation at a time. */
  readonly clients: number;
  readonly workload: LoadWorkload;
  /** Keys the workload spreads over (`k0`, `k1`, … for puts; `a`, `b`, … for mixed). */
  readonly keys: number;
  /** Length of a put's value in the `puts` workload, in characters. */
  readonly valueBytes: number;
  /** Operations that return before this long after the start are not measured. */
  readonly warmupMs: number;
  /** The driver measures for this long after the warm-up, reports, and stops; 0 runs until stopped. */
  readonly durationMs: number;
  /** Drivers emit `loadProgress` and servers `raftState` this often; 0 never. */
  readonly reportMs: number;
  /** Emit every operation as `kvCall` / `kvReturn` events, to rebuild the history. */
  readonly recordOps: boolean;
  /** A client's attempt without a reply after this long is retried at the next server. */
  readonly attemptTimeoutMs: number;
  /** A client gives an operation up after this long (`info` if it may have happened). */
  readonly opTimeoutMs: number;
  /** A client's back-off after an error starts here and doubles… */
  readonly backoffMsMin: number;
  /** …up to this. */
  readonly backoffMsMax: number;
  /** A client's pause between two operations. */
  readonly thinkMs: number;
  /**
   * Servers sync once per burst of messages instead of once per message
   * (`GroupCommit`): messages are held until the sync, so nothing is promised
   * before it is durable either way. Off, a server syncs in every handler, as
   * `cohort start --raft` runs it.
   */
  readonly groupCommit: boolean;
}

/** The most logical clients one driver runs (they share its msgId space). */
export const LOAD_CLIENTS_MAX = 4096;

/**
 * Defaults: Raft's, 3 servers, one driver with 16 clients putting 256-character
 * values over 1,000 keys, measuring 5 s after a 1 s warm-up.
 */
export const RAFT_LOAD_DEFAULTS: RaftLoadConfig = {
  ...RAFT_DEFAULTS,
  servers: 3,
  clients: 16,
  workload: "puts",
  keys: 1000,
  valueBytes: 256,
  warmupMs: 1000,
  durationMs: 5000,
  reportMs: 250,
  recordOps: false,
  attemptTimeoutMs: 2000,
  opTimeoutMs: 10000,
  backoffMsMin: 10,
  backoffMsMax: 200,
  thinkMs: 0,
  groupCommit: true,
};

const LIMITS: readonly (readonly [keyof RaftLoadConfig, number, number])[] = [
  ["servers", 1, 64],
  ["clients", 1, LOAD_CLIENTS_MAX],
  ["keys", 1, 1_000_000],
  ["valueBytes", 1, 65_536],
  ["warmupMs", 0, 3_600_000],
  ["durationMs", 0, 86_400_000],
  ["reportMs", 0, 3_600_000],
  ["attemptTimeoutMs", 1, 3_600_000],
  ["opTimeoutMs", 1, 3_600_000],
  ["backoffMsMin", 0, 3_600_000],
  ["backoffMsMax", 0, 3_600_000],
  ["thinkMs", 0, 3_600_000],
];

/** The first problem with `config` as `field: expected …, got …`, or undefined when it is usable. */
export function checkRaftLoadConfig(config: RaftLoadConfig): string | undefined {
  const raft = checkRaftConfig(config);
  if (raft !== undefined) return raft;
  for (const [field, min, max] of LIMITS) {
    const value = config[field];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
      return `${field}: expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}`;
    }
  }
  if (config.workload !== "puts" && config.workload !== "mixed") {
    return `workload: expected "puts" or "mixed", got ${JSON.stringify(config.workload)}`;
  }
  if (config.workload === "mixed" && config.keys > 26) {
    return `keys: the mixed workload uses the keys a..z, expected at most 26, got ${config.keys}`;
  }
  if (config.valueBytes > config.valueLengthMax) {
    return `valueBytes: expected at most valueLengthMax (${config.valueLengthMax}), got ${config.valueBytes}`;
  }
  if (config.clients > config.sessionsMax) {
    return `clients: expected at most sessionsMax (${config.sessionsMax}), so that every client keeps its session, got ${config.clients}`;
  }
  if (config.backoffMsMin > config.backoffMsMax) {
    return `backoffMsMin: expected at most backoffMsMax (${config.backoffMsMax}), got ${config.backoffMsMin}`;
  }
  for (const field of ["recordOps", "groupCommit"] as const) {
    if (typeof config[field] !== "boolean") {
      return `${field}: expected a boolean, got ${JSON.stringify(config[field])}`;
    }
  }
  return undefined;
}
