import { assert } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import { describeValue, isRecord } from "../core/validate.js";

/**
 * A cluster configuration: the servers that vote and the learners, which
 * receive and apply the log but never count toward a quorum. The two lists
 * are disjoint, sorted ascending and hold no duplicates; `voters` is never empty.
 */
export interface Membership {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/**
 * One single-server change (thesis §4.2): add a server as a learner, promote
 * a learner to voter, or remove a server (voter or learner). Adding a voter is
 * always two changes, learner then promotion, so a new server catches up
 * before it counts toward a quorum (thesis §4.2.1).
 */
export type MembershipChange =
  | { readonly op: "addLearner"; readonly node: NodeId }
  | { readonly op: "promote"; readonly node: NodeId }
  | { readonly op: "remove"; readonly node: NodeId };

/** The log entry of a configuration change: the whole new configuration. */
export interface ConfigCommand {
  readonly membership: Membership;
}

/** True when an entry's data is a configuration change rather than a key-value command. */
export function isConfigCommand(data: unknown): data is ConfigCommand {
  return isRecord(data) && "membership" in data;
}

/** `ids` sorted ascending, as a new array. */
function sorted(ids: readonly NodeId[]): NodeId[] {
  return [...ids].sort((a, b) => a - b);
}

/** A membership with both lists sorted; asserts they are disjoint, duplicate-free and voters non-empty. */
export function membershipOf(voters: readonly NodeId[], learners: readonly NodeId[]): Membership {
  const m = { voters: sorted(voters), learners: sorted(learners) };
  const problem = membershipProblem(m, "membership");
  assert(problem === undefined, () => `raft: ${problem}`);
  return m;
}

/** Every server in `m`: voters, then learners. */
export function membersOf(m: Membership): NodeId[] {
  return [...m.voters, ...m.learners];
}

/** True when `a` and `b` list the same voters and the same learners. */
export function sameMembership(a: Membership, b: Membership): boolean {
  const eq = (x: readonly NodeId[], y: readonly NodeId[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.voters, b.voters) && eq(a.learners, b.learners);
}

/**
 * The configuration `change` makes of `m`, or why it cannot be made: adding
 * a server already in the configuration, promoting one that is not a learner,
 * removing one that is not there, or removing the last voter.
 */
export function applyChange(m: Membership, change: MembershipChange): Membership | string {
  const { node } = change;
  const isVoter = m.voters.includes(node);
  const isLearner = m.learners.includes(node);
  switch (change.op) {
    case "addLearner":
      if (isVoter || isLearner) return `n${node} is already a ${isVoter ? "voter" : "learner"}`;
      return membershipOf(m.voters, [...m.learners, node]);
    case "promote":
      if (!isLearner) return `n${node} is not a learner`;
      return membershipOf(
        [...m.voters, node],
        m.learners.filter((l) => l !== node),
      );
    case "remove":
      if (!isVoter && !isLearner) return `n${node} is not a member`;
      if (isVoter && m.voters.length === 1) return `n${node} is the last voter`;
      return membershipOf(
        m.voters.filter((v) => v !== node),
        m.learners.filter((l) => l !== node),
      );
  }
}

/** True when `m` already reflects `change` (a retried change that took effect). */
export function changeDone(m: Membership, change: MembershipChange): boolean {
  switch (change.op) {
    case "addLearner":
      return m.learners.includes(change.node);
    case "promote":
      return m.voters.includes(change.node);
    case "remove":
      return !m.voters.includes(change.node) && !m.learners.includes(change.node);
  }
}

function idsProblem(value: unknown, where: string): string | undefined {
  if (!Array.isArray(value)) return `${where}: expected an array, got ${describeValue(value)}`;
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
      return `${where}[${i}]: expected a node id, got ${describeValue(v)}`;
    if (i > 0 && v <= (value[i - 1] as number))
      return `${where}[${i}]: expected ids ascending without duplicates, got ${v} after ${String(value[i - 1])}`;
  }
  return undefined;
}

/** Why `value` is not a well-formed `Membership`, or undefined. */
export function membershipProblem(value: unknown, where: string): string | undefined {
  if (!isRecord(value)) return `${where}: expected an object, got ${describeValue(value)}`;
  const problem =
    idsProblem(value.voters, `${where}.voters`) ?? idsProblem(value.learners, `${where}.learners`);
  if (problem !== undefined) return problem;
  const voters = value.voters as NodeId[];
  const learners = value.learners as NodeId[];
  if (voters.length === 0) return `${where}.voters: expected at least one voter, got none`;
  const both = learners.find((l) => voters.includes(l));
  if (both !== undefined) return `${where}: n${both} is both a voter and a learner`;
  return undefined;
}

/** Why `value` is not a well-formed `MembershipChange`, or undefined. */
export function membershipChangeProblem(value: unknown, where: string): string | undefined {
  if (!isRecord(value)) return `${where}: expected an object, got ${describeValue(value)}`;
  if (value.op !== "addLearner" && value.op !== "promote" && value.op !== "remove")
    return `${where}.op: expected addLearner, promote or remove, got ${describeValue(value.op)}`;
  const node = value.node;
  if (typeof node !== "number" || !Number.isSafeInteger(node) || node < 0)
    return `${where}.node: expected a node id, got ${describeValue(node)}`;
  return undefined;
}
