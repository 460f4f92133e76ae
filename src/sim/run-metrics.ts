import type { Metrics } from "../core/index.js";
import type { MetricsSnapshot } from "./types.js";

/** `env.metrics` for a whole simulation: counters summed over nodes, last gauge value, histogram summaries. */
export class RunMetrics implements Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, number>();
  private readonly histograms = new Map<
    string,
    { count: number; sum: number; min: number; max: number }
  >();

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  set(name: string, value: number): void {
    this.gauges.set(name, value);
  }

  observe(name: string, value: number): void {
    const h = this.histograms.get(name);
    if (h === undefined) {
      this.histograms.set(name, { count: 1, sum: value, min: value, max: value });
      return;
    }
    h.count++;
    h.sum += value;
    if (value < h.min) h.min = value;
    if (value > h.max) h.max = value;
  }

  /** A copy of everything recorded, keys sorted. */
  snapshot(): MetricsSnapshot {
    const sorted = <V>(m: Map<string, V>) =>
      Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      counters: sorted(this.counters),
      gauges: sorted(this.gauges),
      histograms: sorted(new Map([...this.histograms].map(([k, v]) => [k, { ...v }]))),
    };
  }
}
