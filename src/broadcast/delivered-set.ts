import type { StoredValue } from "../core/index.js";

/**
 * Which messages a node delivered, kept small: per origin the length of the
 * gap-free prefix of sequence numbers delivered, plus the few delivered above
 * it (reliable broadcast delivers out of order; FIFO and causal never leave
 * any above). Stored as `{prefix, extra}` so a restarted node knows exactly
 * what it must not deliver again.
 */
export class DeliveredSet {
  readonly #prefix: number[] = [];
  /** Per origin: delivered sequence numbers above the prefix. */
  readonly #extra = new Map<number, Set<number>>();

  /** Whether (`origin`, `seq`) was delivered. */
  has(origin: number, seq: number): boolean {
    return seq <= (this.#prefix[origin] ?? 0) || (this.#extra.get(origin)?.has(seq) ?? false);
  }

  /** Records (`origin`, `seq`) as delivered. */
  add(origin: number, seq: number): void {
    if (this.has(origin, seq)) return;
    while (this.#prefix.length <= origin) this.#prefix.push(0);
    const above = this.#extra.get(origin) ?? new Set<number>();
    above.add(seq);
    let p = this.#prefix[origin] ?? 0;
    while (above.delete(p + 1)) p++;
    this.#prefix[origin] = p;
    if (above.size === 0) this.#extra.delete(origin);
    else this.#extra.set(origin, above);
  }

  /** Per origin, the gap-free delivered prefix (a copy). */
  prefix(): number[] {
    return [...this.#prefix];
  }

  /** How many sequence numbers are held above the prefixes. */
  get extraSize(): number {
    let size = 0;
    for (const s of this.#extra.values()) size += s.size;
    return size;
  }

  /** The stored form. */
  toStored(): StoredValue {
    const extra: number[][] = [];
    for (const [origin, seqs] of this.#extra) for (const s of seqs) extra.push([origin, s]);
    return { prefix: [...this.#prefix], extra };
  }

  /** Reads the stored form back; undefined when `v` is not one (absent or damaged). */
  static fromStored(v: StoredValue | undefined): DeliveredSet | undefined {
    if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
      return undefined;
    }
    const rec = v as { readonly [key: string]: StoredValue };
    const nat = (x: StoredValue | undefined): x is number =>
      typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
    const prefix = rec.prefix;
    const extra = rec.extra;
    if (!Array.isArray(prefix) || !Array.isArray(extra)) return undefined;
    if (!(prefix as readonly StoredValue[]).every(nat)) return undefined;
    const set = new DeliveredSet();
    (prefix as readonly number[]).forEach((p, origin) => {
      set.#prefix[origin] = p;
    });
    for (const pair of extra as readonly StoredValue[]) {
      if (!Array.isArray(pair) || pair.length !== 2) return undefined;
      const [origin, seq] = pair as readonly StoredValue[];
      if (!nat(origin) || !nat(seq)) return undefined;
      set.add(origin, seq);
    }
    return set;
  }
}
