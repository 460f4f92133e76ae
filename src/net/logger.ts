import { type Logger as Pino, pino } from "pino";
import type { Logger } from "../core/observe.js";

/** Log levels a node process accepts. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A `Logger` writing pino JSON lines to stderr (stdout carries the node's
 * events). Writes are synchronous so the last lines before an exit or a
 * SIGKILL'd neighbour's detection are not lost.
 */
export function stderrLogger(node: string, level: LogLevel): { log: Logger; pino: Pino } {
  const base = pino({ level, base: { node } }, pino.destination({ dest: 2, sync: true }));
  return { log: adapt(base), pino: base };
}

/** Adapts a pino logger to the protocol's `Logger` (message first, fields second). */
export function adapt(base: Pino): Logger {
  return {
    debug: (message, fields) => base.debug(fields ?? {}, message),
    info: (message, fields) => base.info(fields ?? {}, message),
    warn: (message, fields) => base.warn(fields ?? {}, message),
    error: (message, fields) => base.error(fields ?? {}, message),
  };
}
