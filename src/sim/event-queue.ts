import { assert } from "../core/index.js";

/** Bits of a heap key that hold the slot index; the rest hold the scheduling sequence number. */
const SLOT_BITS = 22;
const SLOT_SPAN = 2 ** SLOT_BITS;
const SLOT_SPAN_INVERSE = 1 / SLOT_SPAN;
/** At most this many events may be pending at once. */
export const PENDING_EVENTS_MAX = SLOT_SPAN;
/** At most this many events may be scheduled over the life of one queue. */
export const SCHEDULED_EVENTS_MAX = 2 ** 31;

/**
 * The simulator's priority queue of events: a binary min-heap over typed arrays,
 * ordered by (time, sequence number), so events at equal times pop in the order
 * they were pushed. Event data lives in a pool of slots (parallel typed arrays
 * plus one array of payload references); nothing is allocated per event once
 * the pool has grown to the run's peak.
 *
 * A heap key packs `sequence * 2^22 + slot` into one float64: unique, ordered
 * by sequence, and it names the slot.
 */
export class EventQueue {
  /** Heap: event time (virtual ms). */
  private heapTime: Float64Array;
  /** Heap: key = sequence * 2^22 + slot. */
  private heapKey: Float64Array;
  private heapSize = 0;
  private sequence = 0;

  /** Slot fields, free for the owner to interpret. */
  kind: Uint8Array;
  node: Int32Array;
  from: Int32Array;
  aux: Int32Array;
  /** A unique id per allocation (timer ids). */
  id: Float64Array;
  payload: unknown[];
  private freeSlots: Int32Array;
  private freeCount: number;
  private capacity: number;
  private allocations = 0;

  /** Time of the last event popped. */
  lastTime = 0;

  constructor(initialCapacity = 1024) {
    const c = Math.max(16, initialCapacity);
    this.capacity = c;
    this.heapTime = new Float64Array(c);
    this.heapKey = new Float64Array(c);
    this.kind = new Uint8Array(c);
    this.node = new Int32Array(c);
    this.from = new Int32Array(c);
    this.aux = new Int32Array(c);
    this.id = new Float64Array(c);
    this.payload = new Array<unknown>(c).fill(undefined);
    this.freeSlots = new Int32Array(c);
    for (let i = 0; i < c; i++) this.freeSlots[i] = c - 1 - i;
    this.freeCount = c;
  }

  /** Pending events. */
  get size(): number {
    return this.heapSize;
  }

  /** Time of the next event; Infinity when empty. */
  peekTime(): number {
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.heapTime[0]!;
  }

  /** Takes a free slot and gives it a fresh unique `id`. */
  alloc(): number {
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount]!;
    this.id[slot] = ++this.allocations * SLOT_SPAN + slot;
    return slot;
  }

  /** Returns a slot to the pool (its payload reference is released). */
  free(slot: number): void {
    this.payload[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** The slot that allocation `id` used, if that allocation is still live; else -1. */
  slotOf(id: number): number {
    const slot = slotOfKey(id);
    return slot < this.capacity && this.id[slot] === id ? slot : -1;
  }

  /** Schedules slot `slot` at `time`; after every event already pushed for that time. */
  push(time: number, slot: number): void {
    const seq = this.sequence++;
    assert(seq < SCHEDULED_EVENTS_MAX, "event queue: too many events scheduled in one run");
    const key = seq * SLOT_SPAN + slot;
    const ht = this.heapTime;
    const hk = this.heapKey;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = ht[parent]!;
      if (pt < time || (pt === time && hk[parent]! < key)) break;
      ht[i] = pt;
      hk[i] = hk[parent]!;
      i = parent;
    }
    ht[i] = time;
    hk[i] = key;
  }

  /** Removes the earliest event and returns its slot (sets `lastTime`); -1 when empty. */
  pop(): number {
    const n = this.heapSize;
    if (n === 0) return -1;
    const ht = this.heapTime;
    const hk = this.heapKey;
    this.lastTime = ht[0]!;
    const topKey = hk[0]!;
    const last = n - 1;
    this.heapSize = last;
    if (last > 0) {
      const time = ht[last]!;
      const key = hk[last]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= last) break;
        let ct = ht[child]!;
        let ck = hk[child]!;
        const right = child + 1;
        if (right < last) {
          const rt = ht[right]!;
          const rk = hk[right]!;
          if (rt < ct || (rt === ct && rk < ck)) {
            child = right;
            ct = rt;
            ck = rk;
          }
        }
        if (time < ct || (time === ct && key < ck)) break;
        ht[i] = ct;
        hk[i] = ck;
        i = child;
      }
      ht[i] = time;
      hk[i] = key;
    }
    return slotOfKey(topKey);
  }

  private grow(): void {
    const old = this.capacity;
    assert(old < PENDING_EVENTS_MAX, `event queue: more than ${PENDING_EVENTS_MAX} pending events`);
    const c = Math.min(old * 2, PENDING_EVENTS_MAX);
    this.heapTime = growF64(this.heapTime, c);
    this.heapKey = growF64(this.heapKey, c);
    this.id = growF64(this.id, c);
    const kind = new Uint8Array(c);
    kind.set(this.kind);
    this.kind = kind;
    this.node = growI32(this.node, c);
    this.from = growI32(this.from, c);
    this.aux = growI32(this.aux, c);
    for (let i = old; i < c; i++) this.payload.push(undefined);
    this.freeSlots = growI32(this.freeSlots, c);
    for (let i = old; i < c; i++) this.freeSlots[this.freeCount++] = c - 1 - (i - old);
    this.capacity = c;
  }
}

/** The slot of a key (or id): its low 22 bits. Exact for keys < 2^53, and far cheaper than `%` on doubles. */
function slotOfKey(key: number): number {
  return key - Math.floor(key * SLOT_SPAN_INVERSE) * SLOT_SPAN;
}

function growF64(a: Float64Array, c: number): Float64Array {
  const b = new Float64Array(c);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, c: number): Int32Array {
  const b = new Int32Array(c);
  b.set(a);
  return b;
}
