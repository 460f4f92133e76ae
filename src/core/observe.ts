/**
 * What a protocol tells the world besides messages: log lines, metrics, and
 * events. Events are data (`{ type, ...fields }`): the simulator records them in
 * its trace and hands them to a scenario's checks; the real host streams them to
 * the terminal and to observers. They are how "n2 suspects n4" or "n1 believes
 * it leads epoch 7" becomes something a checker can judge.
 */
export interface ProtocolEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** Structured logging; fields are plain data. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Counters, gauges and histograms, by name; hosts map them to prom-client or to a run summary. */
export interface Metrics {
  /** Adds `by` (default 1) to the counter `name`. */
  inc(name: string, by?: number): void;
  /** Sets the gauge `name`. */
  set(name: string, value: number): void;
  /** Records one observation in the histogram `name`. */
  observe(name: string, value: number): void;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Metrics that record nothing. */
export const NO_METRICS: Metrics = {
  inc() {},
  set() {},
  observe() {},
};
