import { describe, expect, it } from "vitest";
import { PROFILES, type RunProfile } from "./testing/profiles.js";
import { type RandomRunReport, randomRun } from "./testing/random-run.js";

/**
 * Randomized runs in the test network: every cross-node invariant is checked
 * after every step, the clients' history is judged linearizable, and the
 * cluster must settle after the faults stop. Replay one run with
 * `RAFT_PROFILE=isolateLeader RAFT_SEED=17 npx vitest run src/raft/random.test.ts`;
 * sweep more with `RAFT_SEEDS=2000`.
 */
const SEEDS = Number(process.env.RAFT_SEEDS ?? 0);
const ONLY_SEED = process.env.RAFT_SEED === undefined ? undefined : Number(process.env.RAFT_SEED);
const ONLY_PROFILE = process.env.RAFT_PROFILE;
const SEEDS_PER_PROFILE: Record<string, number> = {
  default: 30,
  isolateLeader: 60,
  five: 40,
  paper: 60,
  membership: 30,
};

function run(profileName: string, profile: RunProfile, seed: number): RandomRunReport {
  try {
    return randomRun({ ...profile, seed });
  } catch (error) {
    const replay = `RAFT_PROFILE=${profileName} RAFT_SEED=${seed} npx vitest run src/raft/random.test.ts`;
    throw new Error(`${(error as Error).message}\n  replay: ${replay}`, { cause: error });
  }
}

/** Runs seeds 1..count of `profile` with `config` merged in; returns the seeds that threw or were not linearizable. */
function failingSeeds(profile: RunProfile, count: number, extra: RunProfile["config"]): number[] {
  const failing: number[] = [];
  for (let seed = 1; seed <= count; seed++) {
    try {
      const r = randomRun({ ...profile, seed, config: { ...profile.config, ...extra } });
      if (r.linearizable === "violation") failing.push(seed);
    } catch {
      failing.push(seed);
    }
  }
  return failing;
}

describe("randomized runs: crashes, partitions, loss, duplication", () => {
  for (const [name, profile] of Object.entries(PROFILES)) {
    if (ONLY_PROFILE !== undefined && ONLY_PROFILE !== name) continue;
    const count = SEEDS > 0 ? SEEDS : (SEEDS_PER_PROFILE[name] ?? 20);
    it(
      `profile ${name}: invariants hold at every step, histories linearizable, cluster settles`,
      () => {
        let ops = 0;
        let ok = 0;
        for (let seed = ONLY_SEED ?? 1; seed <= (ONLY_SEED ?? count); seed++) {
          const r = run(name, profile, seed);
          expect(r.linearizable, `profile ${name} seed ${seed}`).toBe("ok");
          expect(r.counts.open).toBe(0);
          ops += r.history.length;
          ok += r.counts.ok;
        }
        // The runs did real work: most operations succeeded.
        expect(ok).toBeGreaterThan(ops / 2);
      },
      SEEDS > 0 ? 24 * 3_600_000 : undefined,
    );
  }
});

describe("deliberately broken variants are caught", () => {
  it("committing earlier-term entries by counting (Figure 8's mistake) breaks an invariant within 30 seeds", () => {
    const profile = PROFILES.isolateLeader as RunProfile;
    const failing = failingSeeds(profile, 30, { unsafeCommitEarlierTerms: true });
    expect(failing.length).toBeGreaterThan(0);
    // The same seeds pass with the correct rule (the sweep above covers 1..60).
  });

  it("starting a membership change while another is uncommitted (no one-at-a-time rule) breaks election safety within 30 seeds", () => {
    const profile = PROFILES.membership as RunProfile;
    const failing = failingSeeds(profile, 30, { unsafeConcurrentChanges: true });
    expect(failing.length).toBeGreaterThan(0);
    // Seeds 1..40 pass with the rule (the sweep above).
  });

  it("a leader answering reads without a ReadIndex round gives a non-linearizable history within 40 seeds", () => {
    const profile = PROFILES.paper as RunProfile;
    const failing = failingSeeds(profile, 40, { unsafeLeaderReads: true });
    expect(failing.length).toBeGreaterThan(0);
  });
});
