import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { HistoryError } from "../check/errors.js";
import type { HistoryFormat } from "../check/formats/detect.js";
import { FORMATS, parseHistory } from "../check/formats/detect.js";
import type { History } from "../check/history.js";
import type { AnyModel } from "../check/model.js";
import { MODELS } from "../check/models/index.js";
import { isModelPath, resolveModel } from "../check/models/resolve.js";
import type { AnyCheckResult } from "../check/report/index.js";
import { writeReport } from "../check/report/index.js";
import type { Verdict } from "../check/result.js";
import type { CheckerName, CheckOutcome } from "../check/run.js";
import { CHECKERS, runChecker } from "../check/run.js";
import { type Command, EXIT, parseFlags, UsageError } from "./command.js";

/** `cohort check` exit codes: usage errors exit 3 here, like bad input (issue 3). */
export const CHECK_EXIT = { ok: 0, violation: 1, unknown: 2, badInput: 3 } as const;

const DEFAULT_TIMEOUT_S = 60;

const HELP = `Usage: cohort check FILE... --model NAME [options]

Judges each history FILE against a consistency model and prints one verdict
per file: ok (the property holds), violation (with the counterexample), or
unknown (the time limit came first; never a guess).

Options:
  --model NAME       ${[...MODELS.keys()].join(", ")}, or a path to a JS module
                     exporting \`model\` (docs/histories.md)
  --format F         ${FORMATS.join(", ")} (default: detected per file)
  --checker C        ${CHECKERS.join(", ")} (default linearizable)
  --timeout S        seconds per file before the verdict is unknown (default ${DEFAULT_TIMEOUT_S})
  --no-partition     check partitionable models whole instead of key by key
  --json             one JSON object per file: file, model, checker, ops, verdict, ms,
                     and counterexample when there is one
  --report DIR       write one HTML report per history into DIR

Exit codes: 0 every file holds, 1 a violation was found, 2 some verdict is
unknown, 3 bad input or usage (a malformed file is reported as file:line: why).
`;

interface Settings {
  readonly files: readonly string[];
  readonly model: AnyModel;
  /** How worker threads find the model: its built-in name or the module's absolute path. */
  readonly modelRef: string;
  readonly format: HistoryFormat | undefined;
  readonly checker: CheckerName;
  readonly timeoutMs: number;
  readonly partition: boolean;
  readonly json: boolean;
  readonly reportDir: string | undefined;
}

async function parseSettings(argv: string[]): Promise<Settings> {
  const { values, positionals } = parseFlags(argv, {
    model: { type: "string" },
    format: { type: "string" },
    checker: { type: "string" },
    timeout: { type: "string" },
    "no-partition": { type: "boolean" },
    json: { type: "boolean" },
    report: { type: "string" },
  });
  if (positionals.length === 0) throw new UsageError("expected at least one history FILE");
  if (values.model === undefined) {
    throw new UsageError(`--model: expected one of ${[...MODELS.keys()].join(", ")}, got none`);
  }
  const format = values.format;
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `--format: expected one of ${FORMATS.join(", ")}, got ${JSON.stringify(format)}`,
    );
  }
  const checker = values.checker ?? "linearizable";
  if (!(CHECKERS as readonly string[]).includes(checker)) {
    throw new UsageError(
      `--checker: expected one of ${CHECKERS.join(", ")}, got ${JSON.stringify(checker)}`,
    );
  }
  const timeoutText = values.timeout ?? String(DEFAULT_TIMEOUT_S);
  const timeoutS = Number(timeoutText);
  if (!/^\d+(\.\d+)?$/.test(timeoutText) || !(timeoutS > 0)) {
    throw new UsageError(`--timeout: expected seconds > 0, got ${JSON.stringify(timeoutText)}`);
  }
  let model: AnyModel;
  try {
    model = await resolveModel(values.model);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    files: positionals,
    model,
    modelRef: isModelPath(values.model) ? resolve(values.model) : values.model,
    format: format as HistoryFormat | undefined,
    checker: checker as CheckerName,
    timeoutMs: timeoutS * 1000,
    partition: values["no-partition"] !== true,
    json: values.json === true,
    reportDir: values.report,
  };
}

/** Exit precedence: bad input, then a violation, then unknown, then ok. */
function worse(a: number, b: number): number {
  const rank = (code: number): number => [0, 2, 1, 3].indexOf(code);
  return rank(a) >= rank(b) ? a : b;
}

function exitFor(verdict: Verdict): number {
  return verdict === "ok"
    ? CHECK_EXIT.ok
    : verdict === "violation"
      ? CHECK_EXIT.violation
      : CHECK_EXIT.unknown;
}

async function loadHistory(file: string, format: HistoryFormat | undefined): Promise<History> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new HistoryError(
      undefined,
      `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseHistory(text, format);
}

/** Bad input from any checker: a HistoryError, or an error the read/write checkers raise for shapes they cannot judge. */
function badInputMessage(file: string, error: unknown): string | undefined {
  if (error instanceof HistoryError) return error.at(file);
  if (error instanceof Error && error.name === "ReadWriteShapeError")
    return `${file}: ${error.message}`;
  return undefined;
}

async function checkFile(file: string, s: Settings): Promise<number> {
  let outcome: CheckOutcome;
  let history: History;
  try {
    history = await loadHistory(file, s.format);
    outcome = await runChecker(s.checker, history, s.model, {
      timeoutMs: s.timeoutMs,
      partition: s.partition,
      modelRef: s.modelRef,
    });
  } catch (error) {
    const message = badInputMessage(file, error);
    if (message === undefined) throw error;
    process.stderr.write(`cohort check: ${message}\n`);
    return CHECK_EXIT.badInput;
  }
  const line = s.json
    ? JSON.stringify({
        file,
        model: s.model.name,
        checker: s.checker,
        ops: outcome.ops,
        verdict: outcome.verdict,
        ms: Math.round(outcome.ms * 1000) / 1000,
        ...(outcome.counterexample === undefined ? {} : { counterexample: outcome.counterexample }),
      })
    : formatOutcome(file, s, outcome, history);
  process.stdout.write(`${line}\n`);
  if (s.reportDir !== undefined) {
    const result = outcome.result as AnyCheckResult;
    const path = await writeReport(s.reportDir, history, s.model, result, { name: file });
    if (!s.json) process.stdout.write(`  report: ${path}\n`);
  }
  return exitFor(outcome.verdict);
}

/** The human summary of one file's verdict, with the first stuck operations of a linearizability violation. */
function formatOutcome(file: string, s: Settings, o: CheckOutcome, history: History): string {
  const head = `${file}: ${o.verdict} (${o.checker}, model ${s.model.name}, ${o.ops} ops, ${o.ms.toFixed(1)} ms)`;
  if (o.verdict !== "violation" || o.checker !== "linearizable") return head;
  const lines = [head];
  const parts = o.counterexample as readonly {
    key: string | undefined;
    linearized: readonly number[];
    state: string;
    stuck: readonly { id: number; needed: string }[];
  }[];
  for (const p of parts.slice(0, 3)) {
    const where = p.key === undefined ? "" : ` of key ${JSON.stringify(p.key)}`;
    lines.push(
      `  longest linearizable prefix${where}: ${p.linearized.length} op${p.linearized.length === 1 ? "" : "s"}, then state ${p.state}`,
    );
    for (const stuck of p.stuck.slice(0, 3)) {
      const op = history[stuck.id];
      const at = op?.line === undefined ? "" : ` (line ${op.line})`;
      const what = op === undefined ? "" : `${s.model.describeOp(op)} by process ${op.process}`;
      lines.push(`  cannot linearize op ${stuck.id}${at}: ${what}: ${stuck.needed}`);
    }
  }
  if (parts.length > 3) lines.push(`  … and ${parts.length - 3} more violating keys (see --json)`);
  return lines.join("\n");
}

/** `cohort check FILE... --model NAME`: judges histories; exit 0 ok, 1 violation, 2 unknown, 3 bad input or usage. */
export const checkCommand: Command = {
  name: "check",
  summary: "judge histories: linearizability and weaker models (cohort check FILE --model kv)",
  help: HELP,
  async run(argv) {
    let settings: Settings;
    try {
      settings = await parseSettings(argv);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`cohort check: ${error.message}\n`);
      return CHECK_EXIT.badInput;
    }
    let code: number = EXIT.ok;
    for (const file of settings.files) code = worse(code, await checkFile(file, settings));
    return code;
  },
};
