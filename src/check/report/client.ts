/**
 * The report page's script, inlined into every report: it draws the
 * operations from the embedded data as an SVG timeline (one lane per client
 * process), and handles zoom (wheel, buttons) and hover details. Plain
 * ES2017 in a string, so the page needs nothing from the network; it sets
 * only textContent and attributes, never HTML, so no history value can
 * inject markup.
 */
export const CLIENT_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var LANE = 34, TOP = 34, LEFT = 90, RIGHT = 30, SLOT_MIN = 100, ZOOM_MIN = 0.25, ZOOM_MAX = 64;
  var zoom = 1;
  var axis = "event";
  var box = document.getElementById("timeline");
  var svg = document.getElementById("timeline-svg");
  var tip = document.getElementById("tooltip");
  var zoomLabel = document.getElementById("zoom-level");

  var position = {};
  data.order.forEach(function (id, i) { position[id] = i + 1; });
  var marked = {}; data.marked.forEach(function (id) { marked[id] = true; });
  var faded = {}; data.faded.forEach(function (id) { faded[id] = true; });
  var also = {}; data.alsoStuck.forEach(function (id) { also[id] = true; });
  var highlightId = data.highlight ? data.highlight.id : -1;

  var processes = [];
  data.ops.forEach(function (op) { if (processes.indexOf(op.process) < 0) processes.push(op.process); });
  processes.sort(function (a, b) { return a - b; });
  var lane = {}; processes.forEach(function (p, i) { lane[p] = i; });

  // Event order: each distinct call or return time gets the next slot, so
  // concurrency reads the same whatever the history's time unit.
  var times = [];
  data.ops.forEach(function (op) { times.push(op.call); if (op.ret !== null) times.push(op.ret); });
  times.sort(function (a, b) { return a - b; });
  var slot = {}, slots = 0;
  times.forEach(function (t) { if (!(t in slot)) slot[t] = slots++; });
  var tMin = times.length ? times[0] : 0, tMax = times.length ? times[times.length - 1] : 1;
  if (tMax === tMin) tMax = tMin + 1;

  // A slot is at least SLOT_MIN wide at 100%, so labels stay readable; long histories scroll.
  function unit() { return Math.max(SLOT_MIN, Math.max(200, box.clientWidth - LEFT - RIGHT) / (slots + 1)); }
  function width() { return (slots + 1) * unit() * zoom; }
  function xOf(t) {
    if (t === null) return LEFT + width();
    if (axis === "event") return LEFT + (slot[t] + 0.5) * unit() * zoom;
    return LEFT + ((t - tMin) / (tMax - tMin)) * (width() - unit() * zoom) + 0.5 * unit() * zoom;
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function classes(op) {
    var c = ["op", "status-" + op.status];
    if (op.id in position) c.push("in-order");
    if (op.id === highlightId) c.push("highlight");
    if (also[op.id]) c.push("also-stuck");
    if (marked[op.id]) c.push("marked");
    if (faded[op.id]) c.push("faded");
    return c.join(" ");
  }

  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var w = LEFT + width() + RIGHT + 40;
    var h = TOP + processes.length * LANE + 10;
    svg.setAttribute("width", w);
    svg.setAttribute("height", h);
    processes.forEach(function (p, i) {
      el("rect", { x: 0, y: TOP + i * LANE, width: w, height: LANE, "class": i % 2 ? "lane odd" : "lane" }, svg);
    });
    // a tick every 120 px or so, whatever the zoom
    var ticks = Math.max(1, Math.min(slots, Math.floor(width() / 120)));
    for (var k = 0; k <= ticks; k++) {
      var frac = k / ticks;
      var x = LEFT + frac * width();
      el("line", { x1: x, x2: x, y1: TOP - 6, y2: h, "class": "tick" }, svg);
      var label = el("text", { x: x + 2, y: TOP - 10, "class": "tick-label" }, svg);
      label.textContent = axis === "event" ? "#" + Math.round(frac * slots) : String(Math.round(tMin + frac * (tMax - tMin)));
    }
    data.ops.forEach(function (op) {
      var y = TOP + lane[op.process] * LANE + 5;
      var x1 = xOf(op.call), x2 = Math.max(xOf(op.ret), x1 + 6);
      var g = el("g", { "class": classes(op), "data-id": op.id, tabindex: 0 }, svg);
      el("rect", { x: x1, y: y, width: x2 - x1, height: LANE - 10, rx: 4 }, g);
      var clip = el("clipPath", { id: "clip-" + op.id }, g);
      el("rect", { x: x1, y: y, width: Math.max(0, x2 - x1 - 4), height: LANE - 10 }, clip);
      var text = el("text", { x: x1 + 4, y: y + (LANE - 10) / 2 + 4, "clip-path": "url(#clip-" + op.id + ")" }, g);
      text.textContent = (op.id in position ? position[op.id] + ". " : "") + op.label;
    });
    // Lane labels stay in view when the timeline scrolls sideways.
    var labels = el("g", { id: "lane-labels" }, svg);
    el("rect", { x: 0, y: TOP, width: LEFT - 8, height: processes.length * LANE, "class": "label-bg" }, labels);
    processes.forEach(function (p, i) {
      var t = el("text", { x: 8, y: TOP + i * LANE + LANE / 2 + 4, "class": "lane-label" }, labels);
      t.textContent = "process " + p;
    });
    stickLabels();
    zoomLabel.textContent = Math.round(zoom * 100) + "%";
  }

  function stickLabels() {
    var labels = document.getElementById("lane-labels");
    if (labels) labels.setAttribute("transform", "translate(" + box.scrollLeft + ",0)");
  }
  box.addEventListener("scroll", stickLabels);

  function details(op) {
    var lines = [
      "op " + op.id + " · process " + op.process + " · " + op.status,
      op.label,
      "call " + op.call + " · return " + (op.ret === null ? "never (indeterminate)" : op.ret),
      "input: " + op.input,
      "output: " + op.output
    ];
    if (op.key !== null) lines.splice(2, 0, "key: " + op.key);
    if (op.id in position) lines.push(data.orderLabel + ": position " + position[op.id] + " of " + data.order.length);
    if (op.id === highlightId) {
      lines.push("cannot follow: it found " + data.highlight.found);
      lines.push("needed: " + data.highlight.needed);
    }
    if (also[op.id]) lines.push("cannot follow the order either");
    if (marked[op.id]) lines.push("part of the counterexample");
    return lines;
  }

  function show(op, evt) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    details(op).forEach(function (line, i) {
      var div = document.createElement("div");
      if (i === 0) div.className = "tip-head";
      div.textContent = line;
      tip.appendChild(div);
    });
    tip.hidden = false;
    tip.setAttribute("data-id", op.id);
    var x = Math.min(evt.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = (evt.clientY + 14) + "px";
  }

  var byId = {}; data.ops.forEach(function (op) { byId[op.id] = op; });
  function opOf(target) {
    var g = target && target.closest ? target.closest("g.op") : null;
    return g ? byId[g.getAttribute("data-id")] : undefined;
  }
  svg.addEventListener("mousemove", function (evt) {
    var op = opOf(evt.target);
    if (op) show(op, evt); else tip.hidden = true;
  });
  svg.addEventListener("mouseleave", function () { tip.hidden = true; });

  function setZoom(next, anchorX) {
    var before = zoom;
    zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, next));
    var anchor = anchorX === undefined ? box.clientWidth / 2 : anchorX;
    var contentX = box.scrollLeft + anchor - LEFT;
    draw();
    box.scrollLeft = contentX * (zoom / before) + LEFT - anchor;
  }
  box.addEventListener("wheel", function (evt) {
    evt.preventDefault();
    var rect = box.getBoundingClientRect();
    setZoom(zoom * (evt.deltaY < 0 ? 1.25 : 0.8), evt.clientX - rect.left);
  }, { passive: false });
  document.getElementById("zoom-in").addEventListener("click", function () { setZoom(zoom * 1.5); });
  document.getElementById("zoom-out").addEventListener("click", function () { setZoom(zoom / 1.5); });
  document.getElementById("zoom-reset").addEventListener("click", function () { setZoom(1); });
  document.getElementById("axis").addEventListener("change", function (evt) { axis = evt.target.value; draw(); });

  draw();
  var first = svg.querySelector("g.highlight") || svg.querySelector("g.marked");
  if (first) {
    var r = first.getBBox();
    box.scrollLeft = Math.max(0, r.x - box.clientWidth / 3);
  }
  document.body.setAttribute("data-ready", "true");
})();
`;
