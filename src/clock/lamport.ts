import { assert } from "../core/assert.js";

/**
 * A Lamport clock (Lamport 1978). Every event a process counts gets a number
 * strictly greater than the one before it on that process and, for a receive,
 * strictly greater than the number the sender stamped on the message. So if
 * event a happened before event b, C(a) < C(b): the clock condition.
 */
export class LamportClock {
  #time: number;

  /** Starts at `initial` (default 0, the value before any event). */
  constructor(initial = 0) {
    checkLamport(initial, "initial");
    this.#time = initial;
  }

  /** The value of the last event counted (or the initial value). */
  get time(): number {
    return this.#time;
  }

  /** Counts a local or send event and returns its timestamp; stamp a message with it. */
  tick(): number {
    assert(this.#time < Number.MAX_SAFE_INTEGER, "lamport clock overflow");
    this.#time += 1;
    return this.#time;
  }

  /**
   * Counts the receipt of a message stamped `remote` and returns the receive
   * event's timestamp: one more than the larger of the local and remote values.
   * Throws a `RangeError` naming the value when `remote` is not a
   * non-negative safe integer (validate wire input before it gets here).
   */
  receive(remote: number): number {
    checkLamport(remote, "remote");
    this.#time = Math.max(this.#time, remote);
    return this.tick();
  }
}

function checkLamport(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`lamport ${what}: expected a non-negative safe integer, got ${value}`);
  }
}
