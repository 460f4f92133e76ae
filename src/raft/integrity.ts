import { crc32c } from "@node-rs/crc32";
import { Packr } from "msgpackr";
import type { Env } from "../core/env.js";
import { wrapEnv } from "../core/env-wrap.js";
import type { NodeId } from "../core/ids.js";
import type { HostNotice, ProtocolNode } from "../core/protocol.js";
import type { RecoveryReport } from "../core/storage.js";
import { describeValue, isRecord } from "../core/validate.js";

/**
 * A message as it travels: the protocol's message and the CRC32C of its
 * canonical encoding. The receiver recomputes the checksum and drops the
 * message when they differ, so a message corrupted anywhere between the two
 * protocol nodes (a wire with no checksum, a buggy proxy, the simulator's
 * `corrupt` nemesis) becomes an omission, which Raft already tolerates.
 */
export interface Sealed<M> {
  readonly crc: number;
  readonly body: M;
}

/** The counter a receiver bumps for each message whose checksum did not match. */
export const INTEGRITY_DROPPED_METRIC = "integrity_dropped_total";

/**
 * The canonical encoding: msgpack with plain maps (no record extension, so no
 * state carried between calls), the same options as the real host's wire.
 * Keys keep their insertion order, which a decoder preserves, so a message
 * and its decoded copy encode to the same bytes.
 */
const canonical = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });

/**
 * CRC32C of `value`'s canonical encoding, or -1 when it cannot be encoded
 * (a checksum is an unsigned 32-bit integer, so -1 never matches one). When
 * the encoding of a decoded message equals the wire bytes, which it does
 * unless a flip changed how a value is encoded, a flip of up to three bits on
 * the wire is a flip of the same bits here, and CRC32C detects every such
 * flip in messages below 2^31 bits (Hamming distance 4 or more); any other
 * change escapes it with probability 2^-32.
 */
export function messageChecksum(value: unknown): number {
  try {
    return crc32c(canonical.pack(value));
  } catch {
    return -1;
  }
}

/**
 * An envelope sealed in this process. Its checksum is computed when first
 * read, which encoding does (msgpack encodes it through `toJSON` as the plain
 * `{crc, body}`), so every message that is encoded carries the checksum of
 * what was sent. An envelope that reaches a receiver as an instance of this
 * class was handed over in memory (the simulator's clean delivery,
 * duplication and replay) and never encoded, so no bit of it could flip: its
 * checksum is neither computed nor checked. A copy decoded from bytes (a real
 * host's every message, the simulator's corrupted ones) is a plain object and
 * is always checked. Messages are immutable once sent (their types are
 * read-only), so the instance stands for its content.
 */
class SealedHere<M> implements Sealed<M> {
  private crcMemo = -1;

  constructor(readonly body: M) {}

  get crc(): number {
    if (this.crcMemo < 0) this.crcMemo = messageChecksum(this.body);
    return this.crcMemo;
  }

  /** What an encoder writes: the plain envelope. */
  toJSON(): { crc: number; body: M } {
    return { crc: this.crc, body: this.body };
  }
}

/**
 * `msg` with its checksum, ready to send. With `eager` the checksum is
 * computed now, as a real host's encoding would, rather than when first read.
 */
export function sealMessage<M>(msg: M, eager = false): Sealed<M> {
  const sealed = new SealedHere(msg);
  if (eager) sealed.crc;
  return sealed;
}

/**
 * True when `msg`'s checksum matches its body, or, unless `always`, when it
 * is an envelope sealed here and handed over unencoded.
 */
export function checksumMatches(msg: Sealed<unknown>, always = false): boolean {
  return (!always && msg instanceof SealedHere) || messageChecksum(msg.body) === msg.crc;
}

/** How a node checks what it receives. */
export interface IntegrityOptions {
  /**
   * Compute the checksum of every message when it is sent and check it when
   * it arrives, even for an envelope handed over in memory as the same object
   * (default false: it cannot have changed). True makes the simulator pay
   * what a real host pays, for benchmarks.
   */
  readonly recheckInMemory?: boolean;
  /**
   * PLANTED BUG: start the node even when its storage lost synced state, so
   * it rejoins having forgotten its vote and what it acknowledged.
   */
  readonly unsafeTrustDamagedStorage?: boolean;
}

/**
 * Why `msg` is not a well-formed sealed message, or undefined: `crc` must be
 * an unsigned 32-bit integer and `body` must pass `bodyProblem` (its problems
 * are reported under `body.`). It does not compare the checksum: the receiving
 * node does, so that it can count what it drops.
 */
export function sealedProblem(
  msg: unknown,
  bodyProblem: (body: unknown) => string | undefined,
): string | undefined {
  if (msg instanceof SealedHere) {
    // Built here, so its checksum is right by construction (and not computed yet).
    const problem = bodyProblem(msg.body);
    return problem === undefined ? undefined : `body.${problem}`;
  }
  if (!isRecord(msg)) return `message: expected a sealed object, got ${describeValue(msg)}`;
  const crc = msg.crc;
  if (typeof crc !== "number" || !Number.isInteger(crc) || crc < 0 || crc > 0xffff_ffff) {
    return `crc: expected an unsigned 32-bit integer, got ${describeValue(crc)}`;
  }
  const problem = bodyProblem(msg.body);
  return problem === undefined ? undefined : `body.${problem}`;
}

/** The storage key under which a node records, durably, that it stopped for damaged storage. */
export const QUARANTINE_KEY = "integrity/quarantined";

/**
 * True when a host's recovery cut records that may have been synced. Hosts
 * say why they cut: a torn record (reason starting with `torn`) is a write a
 * crash interrupted, never synced, whose loss a protocol that syncs before it
 * acts already tolerates; any other cut (a corrupt record, a CRC mismatch, a
 * bad magic) may have taken synced state with it, such as a vote or an
 * acknowledged entry.
 */
export function recoveryLostSyncedState(report: RecoveryReport): boolean {
  if (report.recordsTruncated === 0 && report.reason === undefined) return false;
  return !(report.reason ?? "").startsWith("torn");
}

/**
 * Wraps a protocol node so that everything it sends is sealed and everything
 * it receives is checked: a message whose checksum does not match its body is
 * dropped before the node sees it, counted in `integrity_dropped_total` and
 * logged at debug. The node itself is unchanged and sees only intact
 * messages; `inner` gives harnesses the node to inspect.
 *
 * Storage gets the same treatment at start: when the host reports that its
 * recovery cut records that may have been synced (`recoveryLostSyncedState`),
 * the node would come back having forgotten promises it made (a vote, an
 * acknowledged entry), which consensus cannot survive. So the node is never
 * started: it stops for good (fail-stop, as etcd refuses a corrupt WAL),
 * records why under `QUARANTINE_KEY` (synced, so later restarts stop too),
 * emits `quarantined` and logs an error. An operator replaces the member.
 */
export class IntegrityNode<M, T = string> implements ProtocolNode<Sealed<M>, T> {
  private env!: Env<Sealed<M>, T>;
  /** Messages dropped by this incarnation because their checksum did not match. */
  droppedCount = 0;
  /** Why this node refused to start (damaged storage), or undefined when it runs. */
  quarantined: string | undefined;

  private readonly always: boolean;
  private readonly trustStorage: boolean;

  constructor(
    readonly inner: ProtocolNode<M, T>,
    options: IntegrityOptions = {},
  ) {
    this.always = options.recheckInMemory ?? false;
    this.trustStorage = options.unsafeTrustDamagedStorage ?? false;
  }

  start(env: Env<Sealed<M>, T>, recovered: boolean): void {
    this.env = env;
    const why = this.trustStorage ? undefined : quarantineReason(env);
    if (why !== undefined) {
      this.quarantined = why;
      env.storage.put(QUARANTINE_KEY, why);
      env.storage.sync();
      env.emit({ type: "quarantined", reason: why });
      env.log.error("storage lost synced state: this node stays stopped", { reason: why });
      return;
    }
    // Only `send` carries M; the wrapper replaces it, so the cast never lets
    // an unsealed message reach the host.
    const sealing = wrapEnv(env as unknown as Env<M, T>, {
      send: (to, msg) => env.send(to, sealMessage(msg, this.always)),
    });
    this.inner.start(sealing, recovered);
  }

  onMessage(from: NodeId, msg: Sealed<M>): void {
    if (this.quarantined !== undefined) return;
    if (!checksumMatches(msg, this.always)) {
      this.droppedCount++;
      this.env.metrics.inc(INTEGRITY_DROPPED_METRIC);
      this.env.log.debug("dropped a message whose checksum does not match", {
        from,
        crc: msg.crc,
        computed: messageChecksum(msg.body),
      });
      return;
    }
    this.inner.onMessage(from, msg.body);
  }

  onTimer(tag: T): void {
    if (this.quarantined === undefined) this.inner.onTimer(tag);
  }

  onNotice(notice: HostNotice): void {
    if (this.quarantined === undefined) this.inner.onNotice?.(notice);
  }

  stop(): void {
    if (this.quarantined === undefined) this.inner.stop?.();
  }
}

/** Why a node must not start on this storage, or undefined. */
function quarantineReason<M, T>(env: Env<M, T>): string | undefined {
  const marked = env.storage.get(QUARANTINE_KEY);
  if (typeof marked === "string") return marked;
  const report = env.storage.recovery;
  if (!recoveryLostSyncedState(report)) return undefined;
  return `recovery cut ${report.recordsTruncated} records: ${report.reason ?? "no reason given"}`;
}

/** `node` behind an end-to-end checksum (see `IntegrityNode`). */
export function withIntegrity<M, T>(
  node: ProtocolNode<M, T>,
  options: IntegrityOptions = {},
): IntegrityNode<M, T> {
  return new IntegrityNode(node, options);
}

/**
 * The node inside `node` when it is wrapped by `withIntegrity`, else `node`
 * itself; undefined for a wrapped node that was quarantined (never started).
 */
export function unwrapIntegrity(node: unknown): unknown {
  if (!(node instanceof IntegrityNode)) return node;
  return node.quarantined === undefined ? node.inner : undefined;
}
