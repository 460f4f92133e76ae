import type { NodeId } from "../core/index.js";
import { assert, assertNever } from "../core/index.js";
import type { PartitionShape } from "./schedule.js";
import type { ScheduleRng } from "./schedule-rng.js";

/**
 * The groups of a partition of `nodeCount` nodes in the named shape, for the
 * engine's `partition` verb (a message passes only between nodes that share a
 * group). Which nodes land where is drawn from `rng`, so the same seed gives the
 * same groups. Shapes (after Jepsen's nemeses):
 * - `halves`: two sides of ⌊n/2⌋ and ⌈n/2⌉ nodes;
 * - `majority`: a majority (⌊n/2⌋+1) and the minority; with an even n the
 *   minority is one short of half;
 * - `isolate`: one node alone, the rest together;
 * - `bridge`: two sides, and one bridge node that is in both (it sees everyone;
 *   the sides do not see each other);
 * - `ring`: nodes on a ring, each sees its nearest neighbours on both sides,
 *   as few as give it a majority counting itself (one more when that count is
 *   even), so no two nodes see the same set; with 4 or more nodes none sees all.
 * - `majority` with 2 nodes is two singletons (there is no minority to cut off).
 * Every node is in at least one group; each group is ascending.
 */
export function partitionGroups(
  shape: PartitionShape,
  nodeCount: number,
  rng: ScheduleRng,
): NodeId[][] {
  assert(nodeCount >= 2, () => `partition: needs at least 2 nodes, got ${nodeCount}`);
  const order = rng.shuffle(Array.from({ length: nodeCount }, (_, i) => i));
  const majority = Math.floor(nodeCount / 2) + 1;
  switch (shape) {
    case "halves":
      return split(order, Math.floor(nodeCount / 2));
    case "majority":
      return split(order, nodeCount - majority);
    case "isolate":
      return split(order, 1);
    case "bridge":
      return bridge(order);
    case "ring":
      return ring(order, majority);
    default:
      return assertNever(shape, "partition shape");
  }
}

function ascending(ids: readonly NodeId[]): NodeId[] {
  return [...ids].sort((a, b) => a - b);
}

/** The first `firstSize` nodes of `order` against the rest; the smaller side first. */
function split(order: readonly NodeId[], firstSize: number): NodeId[][] {
  const size = Math.max(1, firstSize);
  return [ascending(order.slice(0, size)), ascending(order.slice(size))];
}

function bridge(order: readonly NodeId[]): NodeId[][] {
  if (order.length < 3) return split(order, 1);
  const bridgeNode = order[0] as NodeId;
  const rest = order.slice(1);
  const half = Math.floor(rest.length / 2);
  return [
    ascending([bridgeNode, ...rest.slice(0, half)]),
    ascending([bridgeNode, ...rest.slice(half)]),
  ];
}

/**
 * Windows of `width` consecutive nodes around the ring: two nodes share a window
 * when their ring distance is below `width`, so each node sees 2·(width−1)+1 nodes.
 */
function ring(order: readonly NodeId[], majority: number): NodeId[][] {
  const n = order.length;
  const width = Math.ceil((majority - 1) / 2) + 1;
  const groups: NodeId[][] = [];
  for (let start = 0; start < n; start++) {
    const window: NodeId[] = [];
    for (let k = 0; k < width; k++) window.push(order[(start + k) % n] as NodeId);
    groups.push(ascending([...new Set(window)]));
  }
  return groups;
}

/** True when `a` and `b` can exchange messages under `groups` (they share a group). */
export function connected(groups: readonly (readonly NodeId[])[], a: NodeId, b: NodeId): boolean {
  return groups.some((g) => g.includes(a) && g.includes(b));
}
