import { describe, expect, it } from "vitest";
import { RAFT_DEFAULTS } from "./config.js";
import { candidateUpToDate, leaseDurationMs, quorumValue, tallyVotes } from "./quorum.js";
import { SnapshotAssembler } from "./snapshot-assembler.js";

describe("quorum arithmetic", () => {
  it("quorumValue is the highest value a quorum reaches", () => {
    expect(quorumValue([5, 9, 7], 2)).toBe(7);
    expect(quorumValue([5, 9, 7, 1, 3], 3)).toBe(5);
    expect(quorumValue([4], 1)).toBe(4);
    expect(() => quorumValue([1, 2], 3)).toThrow(/quorum 3 of 2/);
  });

  it("tallyVotes: won at a quorum of grants, lost once a quorum can no longer form", () => {
    const votes = new Map<number, boolean>([[1, true]]);
    expect(tallyVotes(votes, 3, 5)).toBe("pending");
    votes.set(2, false).set(3, false);
    expect(tallyVotes(votes, 3, 5)).toBe("pending");
    votes.set(4, false);
    expect(tallyVotes(votes, 3, 5)).toBe("lost");
    expect(
      tallyVotes(
        new Map([
          [1, true],
          [2, true],
          [3, true],
        ]),
        3,
        5,
      ),
    ).toBe("won");
  });

  it("§5.4.1 up to date: a later last term wins; with equal terms the longer log", () => {
    const voter = { lastIndex: 10, lastTerm: 3 };
    expect(candidateUpToDate({ lastLogIndex: 2, lastLogTerm: 4 }, voter)).toBe(true);
    expect(candidateUpToDate({ lastLogIndex: 10, lastLogTerm: 3 }, voter)).toBe(true);
    expect(candidateUpToDate({ lastLogIndex: 9, lastLogTerm: 3 }, voter)).toBe(false);
    expect(candidateUpToDate({ lastLogIndex: 50, lastLogTerm: 2 }, voter)).toBe(false);
  });

  it("the lease: (electionTicks − 2) ticks, shrunk by the drift bound both ways", () => {
    expect(leaseDurationMs({ ...RAFT_DEFAULTS, clockDriftMax: 0 })).toBe(80);
    expect(leaseDurationMs({ ...RAFT_DEFAULTS, clockDriftMax: 0.1 })).toBeCloseTo(
      (80 * 0.9) / 1.1,
      10,
    );
  });
});

describe("the snapshot chunk assembler", () => {
  const chunk = (offset: number, pairs: [string, string][], done: boolean, index = 9) => ({
    type: "installSnapshot" as const,
    term: 2,
    lastIncludedIndex: index,
    lastIncludedTerm: 2,
    offset,
    pairs,
    sessions: done ? [[7, 1, { op: "put" as const }] as const] : [],
    done,
    membership: { voters: [1, 2, 3], learners: [] },
  });

  it("joins chunks in order and hands back the whole state with the last", () => {
    const a = new SnapshotAssembler();
    expect(
      a.accept(
        chunk(
          0,
          [
            ["a", "1"],
            ["b", "2"],
          ],
          false,
        ),
      ),
    ).toEqual({ done: false, nextOffset: 2 });
    expect(a.accept(chunk(2, [["c", "3"]], true))).toEqual({
      done: true,
      state: {
        data: [
          ["a", "1"],
          ["b", "2"],
          ["c", "3"],
        ],
        sessions: [[7, 1, { op: "put" }]],
      },
    });
  });

  it("a duplicate, a gap or a chunk of another snapshot is refused with the offset expected", () => {
    const a = new SnapshotAssembler();
    a.accept(
      chunk(
        0,
        [
          ["a", "1"],
          ["b", "2"],
        ],
        false,
      ),
    );
    expect(a.accept(chunk(0 + 4, [["e", "5"]], false))).toEqual({ done: false, nextOffset: 2 });
    expect(a.accept(chunk(2, [["c", "3"]], false, 12))).toEqual({ done: false, nextOffset: 0 });
    expect(a.accept(chunk(2, [["c", "3"]], false))).toEqual({ done: false, nextOffset: 3 });
    expect(a.accept(chunk(2, [["c", "3"]], false))).toEqual({ done: false, nextOffset: 3 });
  });
});
