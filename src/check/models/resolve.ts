import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AnyModel } from "../model.js";
import { MODELS } from "./index.js";

const REQUIRED = ["init", "step", "equal", "hash", "describeState", "describeOp"] as const;

/** Why `value` is not a usable Model, or undefined when it is. */
export function modelProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "expected an object";
  const record = value as Record<string, unknown>;
  if (typeof record.name !== "string") return "expected a string `name`";
  for (const method of REQUIRED) {
    if (typeof record[method] !== "function") return `expected a method \`${method}\``;
  }
  return undefined;
}

/** True when `name` names a module file rather than a built-in model. */
export function isModelPath(name: string): boolean {
  return name.includes("/") || /\.(c|m)?js$/.test(name);
}

/**
 * The model `--model NAME` means: a built-in (`register`, `kv`, …) or a
 * JavaScript module file whose named export `model` implements `Model`
 * (docs/histories.md shows one). Throws an Error whose message says what
 * was wrong; never falls back to another model.
 */
export async function resolveModel(name: string): Promise<AnyModel> {
  const builtIn = MODELS.get(name);
  if (builtIn !== undefined) return builtIn;
  if (!isModelPath(name)) {
    throw new Error(
      `--model: unknown model ${JSON.stringify(name)}; expected one of ${[...MODELS.keys()].join(", ")} or a path to a module exporting \`model\``,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(name)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`--model ${name}: cannot load the module: ${(error as Error).message}`);
  }
  const problem = modelProblem(module.model);
  if (problem !== undefined) throw new Error(`--model ${name}: export \`model\`: ${problem}`);
  return module.model as AnyModel;
}
