import type {
  DurableStorage,
  Env,
  Logger,
  Metrics,
  NodeId,
  ProtocolEvent,
  TimerId,
} from "../core/index.js";

/** What a `SimEnv` needs from its simulation: the hot-path entry points. */
export interface EnvHost<M, T> {
  readonly clusterIds: readonly NodeId[];
  readonly sharedMetrics: Metrics;
  localNow(node: NodeId): number;
  envSend(from: NodeId, incarnation: number, to: NodeId, msg: M): void;
  envSetTimer(node: NodeId, incarnation: number, afterMs: number, tag: T): TimerId;
  envCancelTimer(node: NodeId, id: TimerId): void;
  envRandom(node: NodeId): number;
  envBuggify(node: NodeId, site: string): boolean;
  envEmit(node: NodeId, incarnation: number, event: ProtocolEvent): void;
  storageOf(node: NodeId): DurableStorage;
  loggerOf(node: NodeId): Logger;
}

/**
 * One incarnation of one node's `Env` in the simulator. After the node crashes,
 * its old env is inert: sends, timers and events from it are ignored, so a
 * stale reference cannot act for the restarted node.
 */
export class SimEnv<M, T> implements Env<M, T> {
  constructor(
    private readonly host: EnvHost<M, T>,
    readonly self: NodeId,
    private readonly incarnation: number,
  ) {}

  get cluster(): readonly NodeId[] {
    return this.host.clusterIds;
  }

  now(): number {
    return this.host.localNow(this.self);
  }

  send(to: NodeId, msg: M): void {
    this.host.envSend(this.self, this.incarnation, to, msg);
  }

  setTimer(afterMs: number, tag: T): TimerId {
    return this.host.envSetTimer(this.self, this.incarnation, afterMs, tag);
  }

  cancelTimer(id: TimerId): void {
    this.host.envCancelTimer(this.self, id);
  }

  random(): number {
    return this.host.envRandom(this.self);
  }

  buggify(site: string): boolean {
    return this.host.envBuggify(this.self, site);
  }

  get storage(): DurableStorage {
    return this.host.storageOf(this.self);
  }

  emit(event: ProtocolEvent): void {
    this.host.envEmit(this.self, this.incarnation, event);
  }

  get log(): Logger {
    return this.host.loggerOf(this.self);
  }

  get metrics(): Metrics {
    return this.host.sharedMetrics;
  }
}
