import type { Env } from "./env.js";
import type { NodeId } from "./ids.js";

/**
 * A protocol node: a state machine that reacts to a (re)start, a message, a
 * timer and a host notice, and acts only through its `Env`. It must not do I/O,
 * read the wall clock, use `Math.random` or host timers: that is what makes a
 * run reproducible from its seed.
 *
 * Handlers run one at a time, never concurrently, and never after a crash
 * until the next `start`. A crash is silent: the object is thrown away and a
 * fresh one is built and started with `recovered = true` on restart.
 */
export interface ProtocolNode<M, T = string> {
  /** Called once before any other handler; `recovered` is true after a crash-restart (storage holds what was synced). */
  start(env: Env<M, T>, recovered: boolean): void;
  /** A message from `from` arrived. It has passed `Protocol.validate`. */
  onMessage(from: NodeId, msg: M): void;
  /** A timer set with `env.setTimer(…, tag)` fired. */
  onTimer(tag: T): void;
  /** The host tells the node something it learned outside the protocol (fail-stop notices). */
  onNotice?(notice: HostNotice): void;
  /** Stops gracefully (leave a group, hand off leadership); the host waits `graceMs` then drops the node. */
  stop?(): void;
}

/** What a host may tell a node out of band. */
export type HostNotice = { readonly type: "peerStopped"; readonly peer: NodeId };

/**
 * How to build and run one protocol: its name, a factory of nodes, and the
 * validator that every message from the wire (or a Byzantine simulator) must
 * pass before it reaches `onMessage`.
 */
export interface Protocol<M, T = string, C = unknown> {
  /** Unique name, as used by `cohort start --protocol NAME`. */
  readonly name: string;
  /** One line on what it does, for `--help` and `--list`. */
  readonly summary: string;
  /** The defaults of its configuration; `create` receives them merged with overrides. */
  readonly defaults: C;
  /** Checks a configuration; returns the first problem as `field: expected …, got …`, or undefined. */
  checkConfig(config: C): string | undefined;
  /** A new node object; it does nothing until `start`. */
  create(id: NodeId, config: C): ProtocolNode<M, T>;
  /**
   * Checks an inbound message; returns why it is malformed (`field: expected …, got …`),
   * or undefined when it is a well-formed `M`. Hosts drop and log what fails.
   */
  validate(msg: unknown): string | undefined;
}

/** A protocol of any message, timer and config type, for registries. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds protocols of unrelated types
export type AnyProtocol = Protocol<any, any, any>;
