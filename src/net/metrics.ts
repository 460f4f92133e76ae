import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Metrics } from "../core/observe.js";

/**
 * The protocol's `Metrics` on prom-client. Each name becomes one metric,
 * created on first use: counters as `cohort_<name>_total`, gauges and
 * histograms as `cohort_<name>`, every one labelled with the node.
 * Using one name as two kinds is a programmer error and throws.
 */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();

  constructor(node: string) {
    this.registry.setDefaultLabels({ node });
  }

  inc(name: string, by = 1): void {
    let c = this.counters.get(name);
    if (c === undefined) {
      c = new Counter({
        name: `cohort_${promName(name)}_total`,
        help: name,
        registers: [this.registry],
      });
      this.counters.set(name, c);
    }
    c.inc(by);
  }

  set(name: string, value: number): void {
    let g = this.gauges.get(name);
    if (g === undefined) {
      g = new Gauge({ name: `cohort_${promName(name)}`, help: name, registers: [this.registry] });
      this.gauges.set(name, g);
    }
    g.set(value);
  }

  observe(name: string, value: number): void {
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = new Histogram({
        name: `cohort_${promName(name)}`,
        help: name,
        registers: [this.registry],
      });
      this.histograms.set(name, h);
    }
    h.observe(value);
  }

  /**
   * Serves `GET /metrics` in the Prometheus text format on `127.0.0.1:port`
   * (port 0 picks a free one). Resolves with the server and its bound port.
   */
  async serve(port: number): Promise<{ server: Server; port: number }> {
    const server = createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end("not found; try /metrics\n");
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": this.registry.contentType }).end(text),
        (error: Error) => res.writeHead(500).end(`${error.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port }, () => resolve());
    });
    const address = server.address();
    return { server, port: typeof address === "object" && address !== null ? address.port : port };
  }
}

/** `name` with every character Prometheus does not allow replaced by `_`. */
export function promName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}
