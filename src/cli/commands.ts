import { benchCommand } from "./bench.js";
import { checkCommand } from "./check.js";
import type { Command } from "./command.js";
import { shrinkCommand } from "./shrink.js";
import { simCommand } from "./sim.js";
import { startCommand } from "./start.js";
import { sweepCommand } from "./sweep.js";

/**
 * Every `cohort` sub-command, in the order `cohort --help` lists them.
 * Each lives in its own file under `src/cli/`; add one line here per command.
 */
export const COMMANDS: readonly Command[] = [
  simCommand,
  sweepCommand,
  shrinkCommand,
  startCommand,
  benchCommand,
  checkCommand,
];
