import { assert } from "../../core/assert.js";
import type { History, Operation, OpStatus } from "../history.js";

/** A seeded PRNG (mulberry32): the same seed gives the same history. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a real object does: runs a call in a state and says what it returned (and whether it failed). */
export interface Executor<S> {
  readonly init: S;
  /** A random call: its function, input and key. */
  call(random: () => number): { f: string; input: unknown; key?: string };
  /** Runs the call: the new state, the output, and `fail` when it definitely did not take effect. */
  run(state: S, f: string, input: unknown): { state: S; output: unknown; failed?: boolean };
}

/** Settings of `generateHistory`. */
export interface GenerateOptions {
  readonly seed: number;
  readonly processes: number;
  readonly ops: number;
  /** Chance that a call ends indeterminate (`info`): its client crashed before or after it took effect. */
  readonly infoRate?: number;
}

type Phase = "idle" | "called" | "applied";

interface Client {
  process: number;
  phase: Phase;
  f: string;
  input: unknown;
  key: string | undefined;
  output: unknown;
  failed: boolean;
  id: number;
  call: number;
}

/**
 * A concurrent history of a real, sequential object, so it is linearizable
 * by construction: clients call, the object runs each call atomically at a
 * random moment between its call and its return (its linearization point),
 * and clients see the result later, all interleaved at random. With
 * `infoRate`, some clients crash: their call ends `info` whether or not it
 * ran, and a fresh process number replaces them (as in Jepsen). Objects are
 * kept per key, so keyed histories are linearizable key by key.
 */
export function generateHistory<S>(executor: Executor<S>, options: GenerateOptions): History {
  assert(options.processes > 0, `processes must be > 0, got ${options.processes}`);
  const random = seededRandom(options.seed);
  const states = new Map<string | undefined, S>();
  const ops: Operation[] = [];
  let nextProcess = options.processes;
  let time = 0;
  let called = 0;
  let done = 0;
  const clients: Client[] = Array.from({ length: options.processes }, (_, p) => ({
    process: p,
    phase: "idle",
    f: "",
    input: null,
    key: undefined,
    output: undefined,
    failed: false,
    id: -1,
    call: 0,
  }));
  const finish = (c: Client, status: OpStatus): void => {
    ops[c.id] = {
      id: c.id,
      process: c.process,
      f: c.f,
      ...(c.key === undefined ? {} : { key: c.key }),
      input: c.input,
      output: status === "ok" ? c.output : undefined,
      status,
      call: c.call,
      ret: status === "info" ? Number.POSITIVE_INFINITY : time,
    };
    done++;
    c.phase = "idle";
  };
  while (done < options.ops) {
    const c = clients[Math.floor(random() * clients.length)]!;
    time++;
    if (c.phase === "idle") {
      if (called === options.ops) continue;
      const next = executor.call(random);
      Object.assign(c, {
        phase: "called",
        f: next.f,
        input: next.input,
        key: next.key,
        id: called++,
        call: time,
      });
    } else if (c.phase === "called" && random() < (options.infoRate ?? 0) / 2) {
      finish(c, "info"); // crashed before the object ran the call
      c.process = nextProcess++;
    } else if (c.phase === "called") {
      const r = executor.run(states.get(c.key) ?? executor.init, c.f, c.input);
      states.set(c.key, r.state);
      Object.assign(c, { phase: "applied", output: r.output, failed: r.failed === true });
    } else if (random() < (options.infoRate ?? 0) / 2) {
      finish(c, "info"); // crashed after the call took effect
      c.process = nextProcess++;
    } else {
      finish(c, c.failed ? "fail" : "ok");
    }
  }
  return ops;
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/** A register of small integers with read, write and cas (failed cas reported `fail`): for `register`, `cas-register`, `etcd`. */
export function registerExecutor(withCas: boolean, values = 4): Executor<unknown> {
  return {
    init: null,
    call(random) {
      const r = random();
      const v = Math.floor(random() * values);
      if (r < 0.4) return { f: "read", input: null };
      if (!withCas || r < 0.7) return { f: "write", input: v };
      return { f: "cas", input: [Math.floor(random() * values), v] };
    },
    run(state, f, input) {
      if (f === "read") return { state, output: state };
      if (f === "write") return { state: input, output: input };
      const [expected, replacement] = input as [unknown, unknown];
      return state === expected
        ? { state: replacement, output: input }
        : { state, output: input, failed: true };
    },
  };
}

/** Key-value strings with get, put and append over `keys` keys: for `kv`. */
export function kvExecutor(keys: number): Executor<string> {
  let serial = 0;
  return {
    init: "",
    call(random) {
      const key = String(Math.floor(random() * keys));
      const r = random();
      if (r < 0.45) return { f: "get", input: null, key };
      return { f: r < 0.55 ? "put" : "append", input: `x${serial++} `, key };
    },
    run(state, f, input) {
      if (f === "get") return { state, output: state };
      const next = f === "put" ? (input as string) : state + (input as string);
      return { state: next, output: input };
    },
  };
}

/** A counter with add and read: for `counter`. */
export function counterExecutor(): Executor<number> {
  return {
    init: 0,
    call: (random) =>
      random() < 0.5
        ? { f: "read", input: null }
        : { f: "add", input: 1 + Math.floor(random() * 3) },
    run: (state, f, input) =>
      f === "read" ? { state, output: state } : { state: state + (input as number), output: input },
  };
}

/** A FIFO queue with enqueue and dequeue (nil when empty): for `queue`. */
export function queueExecutor(): Executor<readonly number[]> {
  let serial = 0;
  return {
    init: [],
    call: (random) =>
      random() < 0.5 ? { f: "dequeue", input: null } : { f: "enqueue", input: serial++ },
    run(state, f, input) {
      if (f === "enqueue") return { state: [...state, input as number], output: input };
      return { state: state.slice(1), output: state.length === 0 ? null : state[0] };
    },
  };
}

/** A set of small integers with add, remove and read: for `set`. */
export function setExecutor(values = 4): Executor<readonly number[]> {
  return {
    init: [],
    call(random) {
      const r = random();
      const v = Math.floor(random() * values);
      return r < 0.4 ? { f: "read", input: null } : { f: r < 0.8 ? "add" : "remove", input: v };
    },
    run(state, f, input) {
      if (f === "read") return { state, output: [...state] };
      const v = input as number;
      const next = f === "add" ? [...new Set([...state, v])].sort() : state.filter((x) => x !== v);
      return { state: next, output: input };
    },
  };
}

/** Picks one of `items` with `random`. */
export { pick };
