import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { History } from "../history.js";
import type { AnyModel } from "../model.js";
import { renderHtml } from "./html.js";
import { type AnyCheckResult, reportView } from "./view.js";

/** Options of `writeReport`. */
export interface ReportOptions {
  /**
   * The history's name: the page title, and the file name (`NAME.html`,
   * from the last path segment, characters other than letters, digits, `.`,
   * `_` and `-` replaced by `_`). Default `history`.
   */
  readonly name?: string;
}

/** The file name `writeReport` uses for a history called `name`. */
export function reportFileName(name: string): string {
  const safe = basename(name).replace(/[^A-Za-z0-9._-]/g, "_");
  return `${safe === "" ? "history" : safe}.html`;
}

/**
 * Writes one self-contained HTML report of `result` (any checker's) for
 * `history` into `dir` (created if missing) and resolves to the file's
 * path. The page draws each client's operations as bars on a time axis,
 * numbers the order the checker found, highlights the first operation that
 * cannot follow it with the state it met and needed (or a weaker checker's
 * counterexample), and offers zoom and hover details.
 */
export async function writeReport(
  dir: string,
  history: History,
  model: AnyModel,
  result: AnyCheckResult,
  options: ReportOptions = {},
): Promise<string> {
  const name = options.name ?? "history";
  const html = renderHtml(reportView(history, model, result, basename(name)));
  await mkdir(dir, { recursive: true });
  const path = join(dir, reportFileName(name));
  await writeFile(path, html, "utf8");
  return path;
}
