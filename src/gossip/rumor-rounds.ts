import { assert } from "../core/assert.js";
import type { Prng } from "./prng.js";

/** Who contacts whom in a cycle: infective sites push, every site pulls, or both. */
export type ExchangeMode = "push" | "pull" | "pushpull";
/** When a site loses interest: with probability 1/k per qualifying contact, or after k qualifying cycles. */
export type InterestPolicy = "coin" | "counter";

/** One rumor-mongering setting of Demers et al. 1987, section 1.4. */
export interface RumorSetting {
  /** Sites (>= 2). */
  readonly n: number;
  /** The policy's parameter (>= 1): 1/k is the coin's probability, k the counter's limit. */
  readonly k: number;
  /** Feedback: only contacts with a site that already knew count; blind: every contact counts. */
  readonly feedback: boolean;
  readonly policy: InterestPolicy;
  readonly mode: ExchangeMode;
  /** The most contacts a site accepts per cycle (Infinity: no limit); a refused contact does nothing. */
  readonly connectionLimit: number;
  /** Counter policy with feedback: a cycle with a necessary contact resets the counter to 0. */
  readonly resetOnNecessary: boolean;
  /** Stop after this many cycles even if sites are still infective. */
  readonly cyclesMax: number;
}

/** What one epidemic did. Times are cycles since injection (the first site learns at 0). */
export interface RumorOutcome {
  /** Fraction of sites that never learned the rumor. */
  readonly residue: number;
  /** Update transmissions per site. */
  readonly traffic: number;
  /** Mean learning cycle over the sites that learned it, the first one excluded. */
  readonly tAve: number;
  /** The cycle in which the last site learned it. */
  readonly tLast: number;
  /** Cycles until no site was infective (or `cyclesMax`). */
  readonly cycles: number;
  /** Susceptible fraction after each cycle (index 0 = at injection). */
  readonly susceptibleByCycle: readonly number[];
}

const SUSCEPTIBLE = 0;
const INFECTIVE = 1;
const REMOVED = 2;

/** A setting with the paper's defaults for what the tables leave implicit. */
export function rumorSetting(
  fields: Pick<RumorSetting, "n" | "k" | "feedback" | "policy" | "mode"> & Partial<RumorSetting>,
): RumorSetting {
  return {
    connectionLimit: Number.POSITIVE_INFINITY,
    resetOnNecessary: true,
    cyclesMax: 100_000,
    ...fields,
  };
}

/**
 * Runs one rumor epidemic in the paper's model: synchronous cycles, uniform
 * random partners, one initial infective site. Within a cycle every site acts
 * on its state at the start of the cycle: a site infected in cycle c spreads
 * from cycle c + 1, a contact is unnecessary when the partner knew the rumor
 * at the start of the cycle, and a site that loses interest stops at the end
 * of the cycle. The counter judges a cycle's contacts together (feedback: any
 * necessary contact resets it, else any unnecessary one adds 1; blind: any
 * contact adds 1); the coin is tossed per counted contact. Pure: randomness
 * only from `rng`, typed arrays, O(n) memory and work per cycle.
 */
export function runRumor(setting: RumorSetting, rng: Prng): RumorOutcome {
  const { n } = setting;
  assert(Number.isSafeInteger(n) && n >= 2, () => `rumor n: expected an integer >= 2, got ${n}`);
  assert(setting.k >= 1, () => `rumor k: expected >= 1, got ${setting.k}`);
  assert(setting.connectionLimit >= 1, () => `rumor connectionLimit: expected >= 1`);
  const run: RumorRun = {
    setting,
    rng,
    state: new Uint8Array(n),
    spreading: new Uint8Array(n),
    knewAtStart: new Uint8Array(n),
    counter: new Uint32Array(n),
    incoming: new Uint32Array(n),
    necessary: new Uint8Array(n),
    unnecessary: new Uint8Array(n),
    losing: new Uint8Array(n),
    learnedAt: new Int32Array(n).fill(-1),
    messages: 0,
  };
  const first = rng.below(n);
  run.state[first] = INFECTIVE;
  run.learnedAt[first] = 0;
  const susceptibleByCycle = [(n - 1) / n];
  let infective = 1;
  let cycle = 0;
  while (infective > 0 && cycle < setting.cyclesMax) {
    cycle++;
    runContacts(run, cycle);
    infective = endCycle(run);
    susceptibleByCycle.push(countState(run.state, SUSCEPTIBLE) / n);
  }
  return summarise(run, first, cycle, susceptibleByCycle);
}

interface RumorRun {
  readonly setting: RumorSetting;
  readonly rng: Prng;
  readonly state: Uint8Array;
  /** 1 when the site was infective at the start of the cycle. */
  readonly spreading: Uint8Array;
  readonly knewAtStart: Uint8Array;
  readonly counter: Uint32Array;
  readonly incoming: Uint32Array;
  /** This cycle's contacts of each spreading site: any necessary, any unnecessary. */
  readonly necessary: Uint8Array;
  readonly unnecessary: Uint8Array;
  /** The coin said to lose interest this cycle. */
  readonly losing: Uint8Array;
  readonly learnedAt: Int32Array;
  messages: number;
}

/** Every contact of one cycle: who initiates depends on the mode. */
function runContacts(run: RumorRun, cycle: number): void {
  const { setting, rng, state, spreading, knewAtStart, incoming } = run;
  const { n, mode } = setting;
  for (let i = 0; i < n; i++) {
    spreading[i] = state[i] === INFECTIVE ? 1 : 0;
    knewAtStart[i] = state[i] === SUSCEPTIBLE ? 0 : 1;
  }
  incoming.fill(0);
  for (let site = 0; site < n; site++) {
    if (mode === "push" && spreading[site] === 0) continue;
    let partner = rng.below(n - 1);
    if (partner >= site) partner++;
    if (incoming[partner]! >= setting.connectionLimit) continue;
    incoming[partner]! += 1;
    if (mode !== "pull" && spreading[site] === 1) transmit(run, site, partner, cycle);
    if (mode !== "push" && spreading[partner] === 1) transmit(run, partner, site, cycle);
  }
}

/** `from` sends the rumor to `to`; records whether the contact was necessary. */
function transmit(run: RumorRun, from: number, to: number, cycle: number): void {
  run.messages++;
  const necessary = run.knewAtStart[to] === 0;
  if (run.state[to] === SUSCEPTIBLE) {
    run.state[to] = INFECTIVE;
    run.learnedAt[to] = cycle;
  }
  const counted = !run.setting.feedback || !necessary;
  if (necessary) run.necessary[from] = 1;
  if (counted) run.unnecessary[from] = 1;
  if (counted && run.setting.policy === "coin" && run.rng.next() * run.setting.k < 1) {
    run.losing[from] = 1;
  }
}

/** Applies the cycle's verdicts; returns how many sites are infective for the next cycle. */
function endCycle(run: RumorRun): number {
  const { setting, state, spreading, counter, necessary, unnecessary, losing } = run;
  let infective = 0;
  for (let i = 0; i < state.length; i++) {
    if (spreading[i] === 1) {
      let lose = losing[i] === 1;
      if (setting.policy === "counter") {
        const reset = setting.feedback && setting.resetOnNecessary && necessary[i] === 1;
        if (reset) counter[i] = 0;
        else if (unnecessary[i] === 1) counter[i] = counter[i]! + 1;
        lose = counter[i]! >= setting.k;
      }
      if (lose) state[i] = REMOVED;
    }
    if (state[i] === INFECTIVE) infective++;
  }
  necessary.fill(0);
  unnecessary.fill(0);
  losing.fill(0);
  return infective;
}

function countState(state: Uint8Array, wanted: number): number {
  let count = 0;
  for (let i = 0; i < state.length; i++) if (state[i] === wanted) count++;
  return count;
}

function summarise(
  run: RumorRun,
  first: number,
  cycles: number,
  susceptibleByCycle: number[],
): RumorOutcome {
  const { learnedAt } = run;
  const n = learnedAt.length;
  let learned = 0;
  let sum = 0;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const t = learnedAt[i]!;
    if (t < 0 || i === first) continue;
    learned++;
    sum += t;
    if (t > last) last = t;
  }
  return {
    residue: (n - learned - 1) / n,
    traffic: run.messages / n,
    tAve: learned > 0 ? sum / learned : 0,
    tLast: last,
    cycles,
    susceptibleByCycle,
  };
}
