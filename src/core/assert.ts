/**
 * Always-on assertions. A failed assertion is a programmer error: it throws an
 * `AssertionError` whose message carries the values that broke the rule, so the
 * simulator can stop the run at the step that broke it and name the seed.
 */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

/** Throws an `AssertionError` with `message` unless `condition` holds. */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new AssertionError(typeof message === "string" ? message : message());
  }
}

/** Marks a branch the type checker proves unreachable; throws if it is reached anyway. */
export function assertNever(value: never, what = "value"): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
