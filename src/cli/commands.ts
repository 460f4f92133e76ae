import type { Command } from "./command.js";

/** A sub-command, loaded only when it is run (or listed by `cohort --help`). */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<Command>;
}

/**
 * Every `cohort` sub-command, in the order `cohort --help` lists them.
 * Each lives in its own file under `src/cli/`; add one line here per command.
 * Loading on demand keeps `cohort sim` fast to start and independent of the
 * other commands' modules.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: "sim", load: async () => (await import("./sim.js")).simCommand },
  { name: "sweep", load: async () => (await import("./sweep.js")).sweepCommand },
  { name: "shrink", load: async () => (await import("./shrink.js")).shrinkCommand },
  { name: "start", load: async () => (await import("./start.js")).startCommand },
  { name: "check", load: async () => (await import("./check.js")).checkCommand },
  { name: "bench", load: async () => (await import("./bench.js")).benchCommand },
];
