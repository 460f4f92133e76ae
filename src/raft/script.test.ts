import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScript } from "./testing/script.js";

/**
 * Golden interaction scripts: each `testdata/*.txt` opens with what it proves,
 * then commands and the exact trace each must print. `UPDATE=1 npx vitest run
 * src/raft/script.test.ts` rewrites them; review the diff before committing.
 */
const DIR = join(import.meta.dirname, "testdata");

describe("interaction scripts (testdata/*.txt)", () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".txt"))) {
    it(file, () => {
      const path = join(DIR, file);
      const text = readFileSync(path, "utf8");
      const actual = runScript(text);
      if (process.env.UPDATE === "1") writeFileSync(path, actual);
      else expect(actual).toBe(text);
    });
  }
});
