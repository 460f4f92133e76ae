import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCausal } from "../causal.js";
import { scripted } from "../causal-testkit.js";
import type { History, Operation } from "../history.js";
import { checkLinearizable } from "../linearizable/check.js";
import type { AnyModel } from "../model.js";
import { MODELS } from "../models/index.js";
import { checkSequential } from "../sequential.js";
import { writeReport } from "./write.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const register = MODELS.get("register") as AnyModel;

function op(
  id: number,
  process: number,
  f: string,
  value: number,
  call: number,
  ret: number,
): Operation {
  const read = f === "read";
  return { id, process, f, input: read ? null : value, output: value, status: "ok", call, ret };
}

/** Writes 1 then 2 complete; then a read still returns 1: a stale read, op 2. */
const stale: History = [
  op(0, 0, "write", 1, 0, 10),
  op(1, 1, "write", 2, 12, 20),
  op(2, 2, "read", 1, 25, 30),
  op(3, 0, "read", 2, 32, 40),
];

let browser: Browser;
let dir: string;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  dir = await mkdtemp(join(tmpdir(), "cohort-report-"));
});

afterAll(async () => {
  await browser?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Opens a report, failing on any page error or any request that is not the file itself. */
async function open(path: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(pathToFileURL(path).href);
  await page.waitForSelector("body[data-ready=true]");
  return { page, requests, errors };
}

describe("the HTML report in Chromium", () => {
  it("highlights the stale read, shows the prefix in order, hover details and zoom", async () => {
    const result = checkLinearizable(stale, register);
    expect(result.verdict).toBe("violation");
    expect(result.partitions[0]?.stuck[0]?.id).toBe(2);
    const path = await writeReport(dir, stale, register, result, { name: "stale-read.jsonl" });
    expect(path.endsWith("stale-read.jsonl.html")).toBe(true);
    const { page, requests, errors } = await open(path);

    expect(await page.locator("#verdict").textContent()).toBe("violation");
    const highlighted = page.locator("g.op.highlight");
    expect(await highlighted.count()).toBe(1);
    expect(await highlighted.getAttribute("data-id")).toBe("2");
    expect(await page.locator("#stuck-op").getAttribute("data-id")).toBe("2");
    expect(await page.locator("#stuck-found").textContent()).toBe("2");
    expect(await page.locator("#stuck-needed").textContent()).toContain("read saw 1");
    const order = await page
      .locator("#order-list li")
      .evaluateAll((items) => items.map((li) => li.getAttribute("data-id")));
    expect(order).toEqual(["0", "1"]);
    // the bars of the prefix are numbered in order
    expect(await page.locator('g.op[data-id="1"] text').textContent()).toMatch(/^2\. /);

    // a real pointer move onto the bar (Playwright's hover() cannot scroll SVG children into view)
    const bar = await page.locator('g.op[data-id="2"] > rect').boundingBox();
    expect(bar).not.toBeNull();
    await page.mouse.move((bar?.x ?? 0) + 10, (bar?.y ?? 0) + 5);
    const tooltip = page.locator("#tooltip");
    expect(await tooltip.isVisible()).toBe(true);
    expect(await tooltip.getAttribute("data-id")).toBe("2");
    const tip = (await tooltip.textContent()) ?? "";
    expect(tip).toContain("op 2 · process 2 · ok");
    expect(tip).toContain("call 25 · return 30");
    expect(tip).toContain("needed: read saw 1");

    const widthOf = async () => Number(await page.locator("#timeline-svg").getAttribute("width"));
    const before = await widthOf();
    await page.click("#zoom-in");
    expect(await page.locator("#zoom-level").textContent()).toBe("150%");
    expect(await widthOf()).toBeGreaterThan(before * 1.4);
    await page.click("#zoom-reset");
    await page.mouse.move((bar?.x ?? 0) + 10, (bar?.y ?? 0) + 5);
    await page.mouse.wheel(0, -200);
    await expect.poll(() => page.locator("#zoom-level").textContent()).toBe("125%");
    expect(await widthOf()).toBeGreaterThan(before);

    await page.click("#zoom-reset");
    await page.mouse.move(5, 5);
    const shot = join(dir, "stale-read.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect((await readFile(shot)).length).toBeGreaterThan(10_000);
    if (process.env.REPORT_SCREENSHOT !== undefined) {
      await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true });
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(path).href]);
    await page.close();
  });

  it("highlights the op a sequential serialization cannot take next", async () => {
    // process 0 writes 1 then 2; process 1 reads 2 then 1: op 3 cannot follow
    const history = scripted({ 0: ["w x 1", "w x 2"], 1: ["r x 2", "r x 1"] });
    const result = checkSequential(history, register);
    expect(result.stuck[0]?.id).toBe(3);
    const path = await writeReport(dir, history, register, result, { name: "sequential" });
    const { page, errors } = await open(path);
    expect(await page.locator("g.op.highlight").getAttribute("data-id")).toBe("3");
    expect(await page.locator("#order-list li").count()).toBe(result.order.length);
    expect(await page.locator("#stuck-needed").textContent()).toContain("read saw 1");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("marks a causal bad pattern's operations", async () => {
    const history = scripted({
      1: ["w x 1", "w y 1"],
      2: ["r y 1", "w x 2"],
      3: ["r x 2", "r x 1"],
    });
    const result = checkCausal(history);
    const pattern = result.models.CC.counterexample;
    expect(pattern?.pattern).toBe("WriteCORead");
    const path = await writeReport(dir, history, register, result, { name: "causal" });
    const { page, errors } = await open(path);
    const marked = await page
      .locator("g.op.marked")
      .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-id"))));
    expect(marked.sort()).toEqual([...(pattern?.ops ?? [])].sort());
    expect(await page.locator("#notes").textContent()).toContain("CC fails: WriteCORead");
    if (process.env.REPORT_SCREENSHOT_CAUSAL !== undefined) {
      await page.screenshot({ path: process.env.REPORT_SCREENSHOT_CAUSAL, fullPage: true });
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
