import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ELECTION_GUIDES, electionMessagesSvg } from "./election-svg.js";
import type { ElectionRow } from "./election-table.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"];

let browser: Browser;
let dir: string;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  dir = await mkdtemp(join(tmpdir(), "cohort-election-svg-"));
});

afterAll(async () => {
  await browser?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** What the page's getBBox returns (the test is compiled without the DOM library). */
interface BoxLike {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const row = (algorithm: string, n: number, messages: number): ElectionRow => ({
  algorithm,
  scenario: "crash",
  n,
  seeds: 3,
  messages,
  convergeMs: 500,
  converged: 3,
  splitBrainIntervals: 0,
  splitBrainMs: 0,
  notAgreedBefore: 0,
});

/** Figures shaped like the bench's: bully about n², ring about 4n, next-in-line about n. */
const ROWS: ElectionRow[] = [4, 16, 64, 256].flatMap((n) => [
  row("bully", n, Math.round(0.6 * n * n)),
  row("ring", n, 4 * n),
  row("next-in-line", n, n + 3),
  // a partition row must not be drawn
  { ...row("bully", n, 1), scenario: "halves" },
]);

describe("the messages-against-n plot in Chromium", () => {
  it("shows the title, both labelled log axes, one line per algorithm and a legend naming each", async () => {
    const svg = electionMessagesSvg(ROWS);
    expect(svg).toBeDefined();
    const path = join(dir, "election.svg");
    await writeFile(path, svg as string);
    const page = await browser.newPage({ viewport: { width: 800, height: 520 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(pathToFileURL(path).href);

    const texts = await page.locator("text").allTextContents();
    expect(texts).toContain("Messages per election after the leader crashes");
    expect(texts).toContain("cluster size n (log)");
    expect(texts).toContain("election messages until all agree (median, log)");
    // log x axis: decade ticks 1, 10, 100, 1,000 around 4..256
    for (const tick of ["1", "10", "100", "1,000"]) expect(texts).toContain(tick);
    // log y axis reaches the next decade above bully's 39,322
    expect(texts).toContain("100,000");

    const names = ["bully", "ring", "next-in-line", ...ELECTION_GUIDES];
    const series = page.locator("g.series");
    expect(await series.evaluateAll((gs) => gs.map((g) => g.getAttribute("data-name")))).toEqual(
      names,
    );
    for (const name of names) {
      // the legend entry is visible text
      const legend = page.locator("svg > text", { hasText: new RegExp(`^${name}$`) });
      expect(await legend.count()).toBe(1);
      expect(await legend.isVisible()).toBe(true);
    }
    // every algorithm's line goes through its four sizes, drawn inside the page
    const lines = await page.locator("g.series polyline").evaluateAll((ps) =>
      ps.map((p) => {
        const box = (p as unknown as { getBBox(): BoxLike }).getBBox();
        const pts = (p.getAttribute("points") ?? "")
          .split(" ")
          .map((xy: string) => xy.split(",").map(Number) as [number, number]);
        return { pts, box: { x: box.x, y: box.y, w: box.width, h: box.height } };
      }),
    );
    expect(lines.map((l) => l.pts.length)).toEqual([4, 4, 4, 4, 4]);
    for (const l of lines) {
      expect(l.box.x).toBeGreaterThan(0);
      expect(l.box.x + l.box.w).toBeLessThan(720);
      expect(l.box.y).toBeGreaterThan(0);
      expect(l.box.y + l.box.h).toBeLessThan(460);
    }
    // On log-log axes a slope is a growth exponent: bully's is twice ring's, like the n² guide's to the n guide's.
    const slope = (pts: [number, number][]) => {
      const [x0, y0] = pts[0] as [number, number];
      const [x1, y1] = pts.at(-1) as [number, number];
      return (y0 - y1) / (x1 - x0);
    };
    const [bully, ring, nil, guideN, guideN2] = lines.map((l) => slope(l.pts));
    expect((bully ?? 0) / (ring ?? 1)).toBeCloseTo(2, 1);
    expect((guideN2 ?? 0) / (guideN ?? 1)).toBeCloseTo(2, 5);
    expect(ring).toBeCloseTo(guideN ?? 0, 5);
    expect(nil ?? 0).toBeLessThan(ring ?? 0);

    // self-contained: nothing but the file itself was loaded, and no script ran into trouble
    expect(requests).toEqual([pathToFileURL(path).href]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
