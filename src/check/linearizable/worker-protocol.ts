import type { Operation } from "../history.js";
import type { PartitionResult } from "../result.js";

/** How a worker finds the model: a built-in name or a module path (`resolveModel`). */
export type ModelRef = string;

/** What the main thread hands one worker. */
export interface WorkerJob {
  readonly model: ModelRef;
  /** Check each partition with the model's `part` (true when the history was split by key). */
  readonly usePart: boolean;
  /** The partitions, by their index in the whole check. */
  readonly partitions: readonly {
    readonly index: number;
    readonly key: string | undefined;
    readonly ops: readonly Operation[];
  }[];
  /** The deadline as wall-clock epoch ms (each thread has its own `performance` origin). */
  readonly deadlineEpochMs: number;
  readonly cacheBytesMax: number;
}

/** What a worker answers. */
export type WorkerReply =
  | {
      readonly ok: true;
      readonly results: readonly { readonly index: number; readonly result: PartitionResult }[];
    }
  | { readonly ok: false; readonly error: string };
