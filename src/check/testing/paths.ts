import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: the nearest folder above this file that holds package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * The shared test histories, `../shared/histories` beside the package root.
 * Throws (tests fail, never skip) when the folder is missing.
 */
export function sharedHistories(): string {
  const dir = resolve(packageRoot(), "..", "shared", "histories");
  if (!existsSync(dir)) throw new Error(`the shared histories are missing: expected ${dir}`);
  return dir;
}
