import { describe, expect, it } from "vitest";
import type { CurvePoint } from "./detectors-curves.js";
import type { QosRow } from "./detectors-qos.js";
import { curvesSvg, loadSvg } from "./detectors-svg.js";
import { svgPlot } from "./svg-plot.js";

/**
 * Checks the document is well-formed XML as far as SVG needs: every tag is
 * closed in order, every attribute quoted, and nothing but entities we write.
 * Returns the element names in document order.
 */
function wellFormed(svg: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const tag = /<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z][a-zA-Z0-9:-]*="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf("<", i);
    const text = svg.slice(i, lt === -1 ? svg.length : lt);
    expect(text.replace(/&(amp|lt|gt|quot);/g, "")).not.toMatch(/[&>]/);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    expect(m, `malformed tag at ${lt}: ${svg.slice(lt, lt + 60)}`).not.toBeNull();
    const [whole, closing, name, , selfClosing] = m as RegExpExecArray;
    if (closing === "/") expect(stack.pop()).toBe(name);
    else {
      names.push(name as string);
      if (selfClosing !== "/") stack.push(name as string);
    }
    i = lt + whole.length;
  }
  expect(stack).toEqual([]);
  return names;
}

function selfContained(svg: string): void {
  expect(svg).not.toMatch(/href|url\(|<script|<image|@import|<foreignObject/i);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

const curve = (detector: string, setting: number, t: number, m: number): CurvePoint => ({
  condition: "jitter",
  detector,
  mistakes: m,
  setting,
  detectionMsMean: t,
  mistakesPerMemberHour: m,
});

const row = (detector: string, n: number, msgs: number): QosRow => ({
  detector,
  scenario: "clean",
  n,
  seeds: 1,
  detectionMsFirst: 200,
  detectionMsAll: 400,
  mistakesPerMemberHour: 0,
  mistakeMs: 0,
  healthyMistakesPerMemberHour: 0,
  msgsPerMemberPerSec: msgs,
  bytesPerMemberPerSec: 100,
});

describe("detector plots", () => {
  it("the detection-against-mistakes plot is well-formed, self-contained, and draws both sweeps", () => {
    const svg = curvesSvg(
      [
        curve("heartbeat", 200, 152, 8475),
        curve("heartbeat", 300, 252, 225),
        curve("heartbeat", 400, 352, 0),
        curve("phi", 1, 111, 26_666),
        curve("phi", 8, 290, 88.6),
        curve("phi-w200", 8, 281, 33.6),
      ],
      "steady jitter",
    );
    const names = wellFormed(svg);
    selfContained(svg);
    expect(names.filter((n) => n === "polyline")).toHaveLength(3);
    expect(svg).toContain('data-name="fixed deadline (ms)"');
    expect(svg).toContain('data-name="phi threshold"');
    expect(svg).toContain('data-name="phi-w200 threshold"');
    expect(svg).toContain("Detection time against mistake rate: steady jitter, n = 8");
    // Each series' line passes through every one of its points.
    const lines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map(
      (m) => (m[1] ?? "").split(" ").length,
    );
    expect(lines).toEqual([3, 2, 1]);
    // A zero mistake rate is drawn on the log axis's "0" line, and the axes are labelled.
    expect(svg).toMatch(/>0<\/text>/);
    expect(svg).toContain("mean detection time after a crash (ms)");
    expect(svg).toContain("false suspicions per member-hour (log)");
  });

  it("the load-against-n plot has one line per detector, and none when no detector ran at two sizes", () => {
    const svg = loadSvg([
      row("heartbeat", 8, 66.7),
      row("swim", 8, 10.6),
      row("heartbeat", 64, 627.6),
      row("swim", 64, 10.4),
    ]);
    expect(svg).toBeDefined();
    wellFormed(svg as string);
    selfContained(svg as string);
    expect(svg).toContain('data-name="heartbeat"');
    expect(svg).toContain('data-name="swim"');
    expect(svg).toContain("Load against cluster size (clean)");
    expect(loadSvg([row("swim", 8, 10.6)])).toBeUndefined();
  });

  it("escapes text and refuses a non-finite point instead of dropping it", () => {
    const svg = svgPlot({
      title: "a < b & c",
      xLabel: "x",
      yLabel: "y",
      series: [{ name: '"q"', points: [{ x: 1, y: 2 }] }],
    });
    wellFormed(svg);
    expect(svg).toContain("a &lt; b &amp; c");
    expect(() =>
      svgPlot({
        title: "t",
        xLabel: "x",
        yLabel: "y",
        series: [{ name: "s", points: [{ x: 1, y: Number.POSITIVE_INFINITY }] }],
      }),
    ).toThrow(/series "s" has a non-finite point/);
  });
});
