/**
 * Small directed-graph tools for the causal and session checkers: a
 * topological order, a cycle when there is none, and the strict ancestors of
 * every node as rows of a bit matrix. Nodes are dense integers `0..n-1`;
 * `succ[v]` lists the targets of v's edges. Nothing here recurses, so deep
 * graphs (long per-process chains) cannot overflow the stack.
 */

import { assert } from "../core/assert.js";

/** Words per bit-matrix row for `n` nodes. */
export function rowWords(n: number): number {
  return (n + 31) >>> 5;
}

/** Whether bit `col` of row `row` is set in a matrix with `words` words per row. */
export function hasBit(matrix: Uint32Array, words: number, row: number, col: number): boolean {
  return ((matrix[row * words + (col >>> 5)] ?? 0) & (1 << (col & 31))) !== 0;
}

/**
 * A topological order of the graph (every edge goes forward), or undefined
 * when the graph has a cycle. Kahn's algorithm; ties break by node number so
 * the order is deterministic.
 */
export function topoOrder(n: number, succ: readonly (readonly number[])[]): number[] | undefined {
  const indegree = new Int32Array(n);
  for (const targets of succ) for (const t of targets) indegree[t] = (indegree[t] ?? 0) + 1;
  const ready: number[] = [];
  for (let v = n - 1; v >= 0; v--) if (indegree[v] === 0) ready.push(v);
  const order: number[] = [];
  while (ready.length > 0) {
    const v = ready.pop() as number;
    order.push(v);
    for (const t of succ[v] ?? []) {
      const left = (indegree[t] ?? 0) - 1;
      indegree[t] = left;
      if (left === 0) ready.push(t);
    }
  }
  return order.length === n ? order : undefined;
}

/**
 * One cycle of the graph as its nodes in edge order (the last has an edge to
 * the first), or undefined when the graph is acyclic. Iterative DFS.
 */
export function findCycle(n: number, succ: readonly (readonly number[])[]): number[] | undefined {
  // 0 = unvisited, 1 = on the DFS stack, 2 = done
  const color = new Uint8Array(n);
  const parent = new Int32Array(n).fill(-1);
  const nextEdge = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (color[root] !== 0) continue;
    const stack = [root];
    color[root] = 1;
    while (stack.length > 0) {
      const v = stack[stack.length - 1] as number;
      const targets = succ[v] ?? [];
      const i = nextEdge[v] ?? 0;
      if (i >= targets.length) {
        color[v] = 2;
        stack.pop();
        continue;
      }
      nextEdge[v] = i + 1;
      const t = targets[i] as number;
      if (color[t] === 1) return unwindCycle(parent, v, t);
      if (color[t] === 0) {
        color[t] = 1;
        parent[t] = v;
        stack.push(t);
      }
    }
  }
  return undefined;
}

function unwindCycle(parent: Int32Array, from: number, to: number): number[] {
  const cycle = [from];
  let v = from;
  while (v !== to) {
    v = parent[v] as number;
    assert(v >= 0, `cycle unwinding lost its way from ${from} to ${to}`);
    cycle.push(v);
  }
  return cycle.reverse();
}

/**
 * The strict ancestors of every node (row v holds u when a path u → … → v
 * exists), for an acyclic graph given with one of its topological orders.
 */
export function ancestors(
  n: number,
  succ: readonly (readonly number[])[],
  order: readonly number[],
): Uint32Array {
  assert(order.length === n, `ancestors: order has ${order.length} nodes, graph ${n}`);
  const words = rowWords(n);
  const matrix = new Uint32Array(n * words);
  for (const v of order) {
    const base = v * words;
    for (const t of succ[v] ?? []) {
      const tBase = t * words;
      for (let w = 0; w < words; w++) {
        matrix[tBase + w] = (matrix[tBase + w] as number) | (matrix[base + w] as number);
      }
      matrix[tBase + (v >>> 5)] = (matrix[tBase + (v >>> 5)] as number) | (1 << (v & 31));
    }
  }
  return matrix;
}
