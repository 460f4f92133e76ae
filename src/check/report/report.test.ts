import { describe, expect, it } from "vitest";
import { scripted } from "../causal-testkit.js";
import { checkConvergence } from "../convergence.js";
import type { History } from "../history.js";
import { checkLinearizable } from "../linearizable/check.js";
import type { AnyModel } from "../model.js";
import { MODELS } from "../models/index.js";
import { checkSequential } from "../sequential.js";
import { checkSessionGuarantees } from "../session.js";
import { escapeHtml, renderHtml, scriptJson } from "./html.js";
import { reportView } from "./view.js";
import { reportFileName } from "./write.js";

const register = MODELS.get("register") as AnyModel;

describe("report view", () => {
  it("focuses a linearizability violation on its partition, prefix and first stuck op", () => {
    const h: History = [
      {
        id: 0,
        process: 0,
        f: "write",
        key: "a",
        input: 1,
        output: 1,
        status: "ok",
        call: 0,
        ret: 1,
      },
      {
        id: 1,
        process: 1,
        f: "write",
        key: "b",
        input: 5,
        output: 5,
        status: "ok",
        call: 2,
        ret: 3,
      },
      {
        id: 2,
        process: 1,
        f: "read",
        key: "a",
        input: null,
        output: 9,
        status: "ok",
        call: 4,
        ret: 5,
      },
      {
        id: 3,
        process: 2,
        f: "read",
        key: "b",
        input: null,
        output: 5,
        status: "info",
        call: 6,
        ret: Infinity,
      },
    ];
    const view = reportView(h, register, checkLinearizable(h, register), "two keys");
    expect(view.verdict).toBe("violation");
    expect(view.order).toEqual([0]);
    expect(view.highlight?.id).toBe(2);
    expect(view.faded).toEqual([1, 3]);
    expect(view.orderLabel).toBe('longest linearizable prefix for key "a"');
    expect(view.ops[3]?.ret).toBeNull();
  });

  it("shows a sequential verdict's stuck op", () => {
    const h = scripted({ 0: ["w x 1", "w x 2"], 1: ["r x 2", "r x 1"] });
    const view = reportView(h, register, checkSequential(h, register), "sc");
    expect(view.highlight?.id).toBe(3);
    expect(view.order).toEqual([0, 2, 1]);
  });

  it("marks a session guarantee's violation and a convergence counterexample", () => {
    const h = scripted({ 1: ["w x 1", "r x _"] });
    const session = reportView(h, register, checkSessionGuarantees(h), "ryw");
    expect(session.marked).toEqual([1, 0]);
    expect(session.notes[0]).toContain("readYourWrites: violation");
    const conv: History = [
      { id: 0, process: 0, f: "write", input: 1, output: 1, status: "ok", call: 0, ret: 1 },
      { id: 1, process: 9, f: "quiesce", input: null, output: null, status: "ok", call: 2, ret: 3 },
      { id: 2, process: 5, f: "read", input: null, output: 7, status: "ok", call: 4, ret: 5 },
    ];
    const view = reportView(conv, register, checkConvergence(conv, register), "conv");
    expect(view.marked).toEqual([2]);
  });
});

describe("page safety", () => {
  it("escapes history text and keeps embedded JSON inside its script", () => {
    expect(escapeHtml(`<b a="x">&'`)).toBe("&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
    const json = scriptJson({ s: "</script><script>alert(1)</script>" });
    expect(json).not.toContain("</script>");
    expect(JSON.parse(json)).toEqual({ s: "</script><script>alert(1)</script>" });
    const h: History = [
      {
        id: 0,
        process: 0,
        f: "write",
        input: "</script><img src=x>",
        output: "</script><img src=x>",
        status: "ok",
        call: 0,
        ret: 1,
      },
    ];
    const html = renderHtml(reportView(h, register, checkLinearizable(h, register), "<evil>"));
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain("<img");
    // nothing is fetched: no src/href/url() pointing anywhere (the SVG namespace URI is only a name)
    expect(html).not.toMatch(
      /(src|href)\s*=\s*["']?(https?:|\/\/)|url\(\s*["']?(https?:|\/\/)|@import/,
    );
  });

  it("names report files safely", () => {
    expect(reportFileName("../histories/etcd_000.log")).toBe("etcd_000.log.html");
    expect(reportFileName("a b/c?d")).toBe("c_d.html");
  });
});
