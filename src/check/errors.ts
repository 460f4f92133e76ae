/**
 * Bad input: a history that cannot be read, or an operation the model does
 * not know. Never a verdict: the CLI prints `file:line: message` and exits 3.
 */
export class HistoryError extends Error {
  override readonly name = "HistoryError";
  /**
   * @param line 1-based line of the input that is wrong, when known
   * @param detail what was expected and what was found: `expected :ok, :fail or :info, got :done`
   */
  constructor(
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(line === undefined ? detail : `line ${line}: ${detail}`);
  }

  /** The message with its place: `file:line: detail` (or `file: detail` without a line). */
  at(file: string): string {
    return this.line === undefined
      ? `${file}: ${this.detail}`
      : `${file}:${this.line}: ${this.detail}`;
  }
}
