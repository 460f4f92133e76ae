/**
 * The report page: one self-contained HTML document (inline CSS, script and
 * data; no network) built from a `ReportView`. Text from the history is
 * escaped here, and the embedded JSON cannot close its script element.
 */

import { CLIENT_SCRIPT } from "./client.js";
import type { ReportView } from "./view.js";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** JSON safe inside a `<script>` element: `<`, `>`, `&` and line separators escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

const STYLE = `
:root { --ok: #2f7d32; --bad: #c62828; --unknown: #8d6e00; --ink: #1d2330; --muted: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fafbfc; }
header { padding: 16px 24px 8px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.verdict { display: inline-block; padding: 1px 10px; border-radius: 10px; color: #fff; font-weight: 600; margin-right: 8px; }
.verdict-ok { background: var(--ok); } .verdict-violation { background: var(--bad); } .verdict-unknown { background: var(--unknown); }
.summary { color: var(--muted); }
.toolbar { display: flex; gap: 8px; align-items: center; padding: 6px 24px; }
.toolbar button { font: inherit; padding: 2px 10px; border: 1px solid #c7ccd6; border-radius: 4px; background: #fff; cursor: pointer; }
#timeline { margin: 0 24px; overflow-x: auto; border: 1px solid #d9dde5; background: #fff; border-radius: 6px; }
svg text { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; fill: var(--ink); }
.lane { fill: #fff; } .lane.odd { fill: #f4f6f9; }
.lane-label { fill: var(--muted); } .label-bg { fill: #ffffffe6; }
.tick { stroke: #e3e6ec; } .tick-label { fill: var(--muted); font-size: 10px; }
.op rect { fill: #dfe6f3; stroke: #8c9bb5; stroke-width: 1; }
.op.in-order rect { fill: #cfe8d2; stroke: #4f9a56; }
.op.status-info rect { fill: #f3ecd6; stroke: #b59b4c; stroke-dasharray: 4 3; }
.op.status-fail rect { fill: #eeeeee; stroke: #aaaaaa; }
.op.also-stuck rect { fill: #fde2e2; stroke: #d88; }
.op.marked rect { fill: #ffd8a8; stroke: #e8590c; stroke-width: 2; }
.op.highlight rect { fill: #ffcdd2; stroke: var(--bad); stroke-width: 3; }
.op.faded { opacity: 0.35; }
.op:hover rect, .op:focus rect { filter: brightness(0.93); }
#tooltip { position: fixed; z-index: 10; max-width: 460px; padding: 8px 10px; background: #1d2330; color: #fff; border-radius: 6px; font: 12px/1.5 ui-monospace, Menlo, monospace; pointer-events: none; white-space: pre-wrap; }
.tip-head { font-weight: 700; margin-bottom: 2px; }
main { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(280px, 1fr); gap: 16px; padding: 16px 24px 32px; }
section { background: #fff; border: 1px solid #d9dde5; border-radius: 6px; padding: 10px 14px; }
section h2 { font-size: 15px; margin: 0 0 6px; }
#stuck-panel { border-color: var(--bad); }
#order-list { max-height: 320px; overflow-y: auto; margin: 0; padding-left: 2.6em; font: 12px/1.6 ui-monospace, Menlo, monospace; }
.legend span { display: inline-block; margin-right: 12px; }
.swatch { display: inline-block; width: 14px; height: 10px; border: 1px solid; vertical-align: middle; margin-right: 4px; }
code { font: 12px ui-monospace, Menlo, monospace; }
`;

function verdictBadge(view: ReportView): string {
  return `<span id="verdict" class="verdict verdict-${view.verdict}">${escapeHtml(view.verdict)}</span>`;
}

function highlightPanel(view: ReportView): string {
  const h = view.highlight;
  if (h === undefined) return "";
  const op = view.ops.find((o) => o.id === h.id);
  const label = op === undefined ? `op ${h.id}` : `op ${h.id}: ${op.label} (process ${op.process})`;
  return `<section id="stuck-panel"><h2>First operation that cannot follow</h2>
<p id="stuck-op" data-id="${h.id}"><code>${escapeHtml(label)}</code></p>
<p>State after the ${escapeHtml(view.orderLabel)}: <code id="stuck-found">${escapeHtml(h.found)}</code></p>
<p>It needed: <span id="stuck-needed">${escapeHtml(h.needed)}</span></p></section>`;
}

function orderPanel(view: ReportView): string {
  if (view.orderLabel === "") return "";
  const byId = new Map(view.ops.map((op) => [op.id, op]));
  const items = view.order
    .map((id) => {
      const op = byId.get(id);
      return `<li data-id="${id}">${escapeHtml(op === undefined ? `op ${id}` : `${op.label}  (op ${id}, p${op.process})`)}</li>`;
    })
    .join("\n");
  return `<section><h2>${escapeHtml(view.orderLabel)} (${view.order.length} operations, in order)</h2>
<ol id="order-list">${items}</ol></section>`;
}

function notesPanel(view: ReportView): string {
  if (view.notes.length === 0) return "";
  const items = view.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("\n");
  return `<section id="notes"><h2>Details</h2><ul>${items}</ul></section>`;
}

const LEGEND = `<div class="legend">
<span><i class="swatch" style="background:#cfe8d2;border-color:#4f9a56"></i>in the order found</span>
<span><i class="swatch" style="background:#ffcdd2;border-color:#c62828"></i>cannot follow it</span>
<span><i class="swatch" style="background:#ffd8a8;border-color:#e8590c"></i>counterexample</span>
<span><i class="swatch" style="background:#f3ecd6;border-color:#b59b4c"></i>indeterminate</span>
<span><i class="swatch" style="background:#dfe6f3;border-color:#8c9bb5"></i>other</span></div>`;

/** The whole page for `view`. */
export function renderHtml(view: ReportView): string {
  const data = {
    ops: view.ops,
    order: view.order,
    orderLabel: view.orderLabel,
    highlight: view.highlight ?? null,
    alsoStuck: view.alsoStuck,
    marked: view.marked,
    faded: view.faded,
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(`${view.title} — ${view.checker} ${view.verdict}`)}</title>
<style>${STYLE}</style></head>
<body>
<header><h1>${verdictBadge(view)}${escapeHtml(view.title)}</h1>
<div class="summary">checker <b>${escapeHtml(view.checker)}</b> · model <b>${escapeHtml(view.model)}</b> · <span id="summary">${escapeHtml(view.summary)}</span></div></header>
<div class="toolbar"><button id="zoom-out" title="zoom out">−</button><button id="zoom-in" title="zoom in">+</button><button id="zoom-reset">reset</button>
<span id="zoom-level">100%</span>
<label>axis <select id="axis"><option value="event">event order</option><option value="time">recorded time</option></select></label>
<span class="summary">wheel over the timeline to zoom; hover an operation for details</span></div>
<div id="timeline"><svg id="timeline-svg" xmlns="http://www.w3.org/2000/svg"></svg></div>
<div class="toolbar">${LEGEND}</div>
<main>${highlightPanel(view)}${orderPanel(view)}${notesPanel(view)}</main>
<div id="tooltip" hidden></div>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}
