import { nextFloat, seedStream } from "../prng.js";

/** A message of the bare loop: the same shape the simulated ping-pong sends. */
interface BareMessage {
  readonly from: number;
  readonly to: number;
  readonly msg: { readonly type: "ping" | "pong"; readonly seq: number };
}

/**
 * The baseline of the simulator benchmark: the same ping-pong workload (same
 * node count, pings in flight, uniform 1–5 ms latency, random peers from sfc32)
 * on a bare event loop — a binary heap of (time, message index) and a message
 * array, with none of the simulator's features (no validation, trace hash,
 * faults, buffers, timers or handler isolation).
 */
export class BareLoop {
  private heapTime: Float64Array;
  private heapIndex: Int32Array;
  private size = 0;
  private readonly messages: (BareMessage | undefined)[] = [];
  private readonly freeIndices: number[] = [];
  private readonly random: Uint32Array;
  private readonly network = new Uint32Array(4);
  private readonly seqs: Int32Array;
  now = 0;
  delivered = 0;

  constructor(
    private readonly nodeCount: number,
    pingsInFlight: number,
    seed: number,
  ) {
    this.heapTime = new Float64Array(1024);
    this.heapIndex = new Int32Array(1024);
    this.random = new Uint32Array(4 * nodeCount);
    this.seqs = new Int32Array(nodeCount);
    for (let i = 0; i < nodeCount; i++) seedStream(this.random, 4 * i, seed, 16 + i);
    seedStream(this.network, 0, seed, 0);
    for (let node = 0; node < nodeCount; node++) {
      for (let k = 0; k < pingsInFlight; k++) this.ping(node);
    }
  }

  /** Runs every message due at or before `untilMs`. */
  run(untilMs: number): void {
    while (this.size > 0 && this.heapTime[0]! <= untilMs) {
      this.now = this.heapTime[0]!;
      const index = this.pop();
      const m = this.messages[index]!;
      this.messages[index] = undefined;
      this.freeIndices.push(index);
      this.delivered++;
      if (m.msg.type === "ping") this.send(m.to, m.from, { type: "pong", seq: m.msg.seq });
      else this.ping(m.to);
    }
    this.now = untilMs;
  }

  private ping(node: number): void {
    let to = Math.floor(nextFloat(this.random, 4 * node) * (this.nodeCount - 1));
    if (to >= node) to++;
    this.send(node, to, { type: "ping", seq: this.seqs[node]!++ });
  }

  private send(from: number, to: number, msg: BareMessage["msg"]): void {
    const at = this.now + 1 + 4 * nextFloat(this.network, 0);
    const index = this.freeIndices.length > 0 ? this.freeIndices.pop()! : this.messages.length;
    if (index === this.messages.length) this.messages.push(undefined);
    this.messages[index] = { from, to, msg };
    this.push(at, index);
  }

  private push(time: number, index: number): void {
    if (this.size === this.heapTime.length) this.grow();
    const ht = this.heapTime;
    const hi = this.heapIndex;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ht[parent]! <= time) break;
      ht[i] = ht[parent]!;
      hi[i] = hi[parent]!;
      i = parent;
    }
    ht[i] = time;
    hi[i] = index;
  }

  private pop(): number {
    const ht = this.heapTime;
    const hi = this.heapIndex;
    const top = hi[0]!;
    const last = --this.size;
    const time = ht[last]!;
    const index = hi[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && ht[child + 1]! < ht[child]!) child++;
      if (time <= ht[child]!) break;
      ht[i] = ht[child]!;
      hi[i] = hi[child]!;
      i = child;
    }
    ht[i] = time;
    hi[i] = index;
    return top;
  }

  private grow(): void {
    const t = new Float64Array(this.heapTime.length * 2);
    t.set(this.heapTime);
    const x = new Int32Array(this.heapIndex.length * 2);
    x.set(this.heapIndex);
    this.heapTime = t;
    this.heapIndex = x;
  }
}
