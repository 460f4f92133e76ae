import { parseArgs } from "node:util";

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** a check failed: a violation, a failing seed */
  failed: 1,
  /** bad usage: unknown flag, bad value */
  usage: 2,
  /** bad input file (the checker's malformed histories) */
  badInput: 3,
} as const;

/** One `cohort` sub-command. */
export interface Command {
  readonly name: string;
  /** One line for `cohort --help`. */
  readonly summary: string;
  /** Full help text printed by `cohort NAME --help`. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** A usage error: printed as `cohort NAME: message` with exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A flag definition for `parseFlags`. */
export interface FlagSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
}

/**
 * Parses flags strictly: an unknown flag or a missing value is a `UsageError`
 * that names the flag. `--help` is always accepted and reported as `help`.
 */
export function parseFlags<S extends Record<string, FlagSpec>>(
  argv: string[],
  spec: S,
  allowPositionals = true,
): {
  values: { [K in keyof S]?: S[K]["type"] extends "boolean" ? boolean : string } & {
    help?: boolean;
  };
  positionals: string[];
} {
  try {
    const options = { ...spec, help: { type: "boolean" as const, short: "h" } };
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals });
    return parsed as never;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ""));
  }
}

/** Parses an integer flag value within [min, max], or throws a UsageError naming the flag. */
export function intFlag(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text))
    throw new UsageError(`--${flag}: expected an integer, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (value < min || value > max)
    throw new UsageError(`--${flag}: expected ${min}..${max}, got ${value}`);
  return value;
}
