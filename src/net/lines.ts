import type { NodeId } from "../core/ids.js";
import type { ProtocolEvent } from "../core/observe.js";
import type { RecoveryReport } from "../core/storage.js";
import { isRecord } from "../core/validate.js";

/**
 * What a node process writes on stdout: one JSON object per line, each with a
 * `kind`. This is the stable channel between a node and whoever launched it
 * (the launcher, `cohort start --json`, a test). Logs go to stderr instead.
 *
 * - `listening`: the port is bound and peers are being dialled; the protocol has not started.
 * - `ready`: the protocol started; `port` bound, `recovered` as passed to `start`, the storage `recovery` report.
 * - `event`: the protocol emitted `event` at `atMs` (the node's monotonic clock).
 * - `status`: periodic counters of the transport, which peers are connected, and CPU time used.
 * - `stopped`: a graceful stop finished; the process exits next.
 */
export type NodeLine =
  | {
      readonly kind: "listening";
      readonly node: NodeId;
      readonly pid: number;
      readonly port: number;
    }
  | {
      readonly kind: "ready";
      readonly node: NodeId;
      readonly pid: number;
      readonly port: number;
      readonly metricsPort?: number;
      readonly recovered: boolean;
      readonly recovery: RecoveryReport;
    }
  | {
      readonly kind: "event";
      readonly node: NodeId;
      readonly atMs: number;
      readonly event: ProtocolEvent;
    }
  | {
      readonly kind: "status";
      readonly node: NodeId;
      readonly atMs: number;
      readonly connected: readonly NodeId[];
      readonly sent: number;
      readonly delivered: number;
      readonly dropped: Readonly<Record<string, number>>;
      readonly rejected: Readonly<Record<string, number>>;
      /** CPU time (user + system) this process has used since it started, in ms. */
      readonly cpuMs: number;
    }
  | { readonly kind: "stopped"; readonly node: NodeId; readonly atMs: number };

const KINDS = ["listening", "ready", "event", "status", "stopped"];

/** Parses one stdout line of a node; undefined when it is not a node line. */
export function parseNodeLine(text: string): NodeLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.kind !== "string" || !KINDS.includes(value.kind))
    return undefined;
  if (typeof value.node !== "number") return undefined;
  return value as NodeLine;
}
