import type { NodeId, Protocol, ProtocolEvent, ProtocolNode } from "../core/index.js";
import { FUSE_DEFAULTS } from "../detect/fuse/config.js";
import { fuseProtocol } from "../detect/fuse/protocol.js";
import { GOSSIP_DEFAULTS } from "../detect/gossip/config.js";
import { gossipDetectorProtocol } from "../detect/gossip/protocol.js";
import { HEARTBEAT_DEFAULTS } from "../detect/heartbeat/config.js";
import { heartbeatProtocol } from "../detect/heartbeat/protocol.js";
import { PHI_DEFAULTS } from "../detect/phi/config.js";
import { phiProtocol } from "../detect/phi/protocol.js";
import { PING_DEFAULTS } from "../detect/ping/config.js";
import { pingProtocol } from "../detect/ping/protocol.js";
import { SWIM_PLAIN } from "../detect/swim/config.js";
import { swimProtocol } from "../detect/swim/protocol.js";
import { HB_DEFAULTS } from "../detect/timeout-free/config.js";
import { timeoutFreeProtocol } from "../detect/timeout-free/protocol.js";
import { SWIM_SCENARIO_CONFIG } from "../scenarios/detect-swim.js";
import { Simulation } from "../sim/simulation.js";
import type { FaultSpec, NetworkConfig } from "../sim/types.js";
import { type LatencyShape, lognormalMs, shapeLatency } from "./latency-shaper.js";

/** A detector as the QoS evaluation runs it. */
export interface QosDetector {
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: detectors of unrelated message types share one table
  readonly protocol: Protocol<any, any, any>;
  readonly config: unknown;
}

/** Every detector with the configuration its `detect-*` scenario uses. */
export const QOS_DETECTORS: readonly QosDetector[] = [
  { name: "heartbeat", protocol: heartbeatProtocol, config: HEARTBEAT_DEFAULTS },
  { name: "ping", protocol: pingProtocol, config: PING_DEFAULTS },
  { name: "phi", protocol: phiProtocol, config: PHI_DEFAULTS },
  {
    name: "phi-exp",
    protocol: phiProtocol,
    config: { ...PHI_DEFAULTS, distribution: "exponential" },
  },
  { name: "swim", protocol: swimProtocol, config: SWIM_SCENARIO_CONFIG },
  {
    name: "swim-plain",
    protocol: swimProtocol,
    config: { ...SWIM_PLAIN, ...pick(SWIM_SCENARIO_CONFIG) },
  },
  { name: "gossip", protocol: gossipDetectorProtocol, config: GOSSIP_DEFAULTS },
  { name: "timeout-free", protocol: timeoutFreeProtocol, config: HB_DEFAULTS },
  { name: "fuse", protocol: fuseProtocol, config: FUSE_DEFAULTS },
];

function pick(c: typeof SWIM_SCENARIO_CONFIG) {
  return {
    probeIntervalMs: c.probeIntervalMs,
    probeTimeoutMs: c.probeTimeoutMs,
    syncIntervalMs: c.syncIntervalMs,
  };
}

/** A network condition of the evaluation, with the faults it injects before the crash. */
export interface QosScenario {
  readonly name: string;
  /** The member the condition impairs (paused, slow link, cut off), if one: suspecting it is less of a mistake. */
  readonly impaired?: NodeId;
  readonly network: NetworkConfig;
  /** Latency the static network cannot express (drifting, per link), added at each receiver. */
  readonly shape?: LatencyShape;
  readonly faults: (n: number) => { atMs: number; spec: FaultSpec }[];
}

const none = () => [];
const QOS_WARMUP_MS = 2_000;
const QOS_CRASH_AT_MS = 24_000;

/** The `drift` condition's median extra latency at `atMs`: 1 ms at the start, growing evenly to 40 ms at the crash, then steady. */
export function qosDriftMedianMs(atMs: number): number {
  return 1 + 39 * Math.min(1, atMs / QOS_CRASH_AT_MS);
}

/** The conditions: clean, 1/5/20% loss, log-normal jitter, a drifting latency, a member paused 2 s now and then, a slow link, a slow member, a partition. */
export const QOS_SCENARIOS: readonly QosScenario[] = [
  { name: "clean", network: {}, faults: none },
  { name: "loss1", network: { lossProbability: 0.01 }, faults: none },
  { name: "loss5", network: { lossProbability: 0.05 }, faults: none },
  { name: "loss20", network: { lossProbability: 0.2 }, faults: none },
  {
    name: "jitter",
    network: { latency: { kind: "lognormal", medianMs: 5, sigma: 1 } },
    faults: none,
  },
  {
    // Latency that drifts slowly over the run: beside the default 1–5 ms, every message gets a
    // log-normal extra (σ = 1, so its spread grows with it, as queueing delay does) whose median
    // follows qosDriftMedianMs. Per-message, at the receiver (the simulator's links are static).
    name: "drift",
    network: {},
    shape: (_from, _to, atMs, rng) => lognormalMs(rng, qosDriftMedianMs(atMs), 1),
    faults: none,
  },
  {
    name: "paused",
    impaired: 1,
    network: {},
    faults: () =>
      [5_000, 12_000, 19_000].map((atMs) => ({
        atMs,
        spec: { verb: "pause", node: 1, durationMs: 2_000 },
      })),
  },
  {
    name: "slow-link",
    impaired: 1,
    network: {
      links: [
        { from: 1, to: 0, latency: { kind: "uniform", minMs: 100, maxMs: 400 } },
        { from: 0, to: 1, latency: { kind: "uniform", minMs: 100, maxMs: 400 } },
      ],
    },
    faults: none,
  },
  {
    // Lifeguard's slow member: everything it sends or receives takes 150 ms longer,
    // more than SWIM's 80 ms probe timeout, so it misses acks and accuses healthy members.
    name: "slow-node",
    impaired: 1,
    network: {},
    faults: () => [
      {
        atMs: QOS_WARMUP_MS,
        spec: { verb: "delay", nodes: [1], extraLatencyMs: 150, durationMs: 20_000 },
      },
    ],
  },
  {
    name: "partition",
    impaired: 1,
    network: {},
    faults: (n) => [
      {
        atMs: 8_000,
        spec: {
          verb: "partition",
          groups: [[1], Array.from({ length: n }, (_, i) => i).filter((i) => i !== 1)],
          durationMs: 3_000,
        },
      },
    ],
  },
];

/** One row of the evaluation: a detector on a condition at a cluster size, over several seeds. */
export interface QosRow {
  readonly detector: string;
  readonly scenario: string;
  readonly n: number;
  readonly seeds: number;
  /** Median over seeds of the time from the crash to its first lasting detection by some member. */
  readonly detectionMsFirst: number;
  /** Median over seeds of the time until every live member detects it (Infinity if one never did). */
  readonly detectionMsAll: number;
  /** False suspicions of live members (before the crash), per member-hour, mean over seeds. */
  readonly mistakesPerMemberHour: number;
  /** Mean duration of those false suspicions (0 when there were none). */
  readonly mistakeMs: number;
  /** False suspicions (by anyone, the impaired member included) of members the condition did not impair — Lifeguard's measure — per member-hour. */
  readonly healthyMistakesPerMemberHour: number;
  readonly msgsPerMemberPerSec: number;
  /** Message bytes as JSON, per member per second. */
  readonly bytesPerMemberPerSec: number;
}

/** The timeline of one run: mistakes are counted in [warmupMs, crashAtMs), detection watched for afterCrashMs. */
export interface QosTiming {
  readonly warmupMs: number;
  readonly crashAtMs: number;
  readonly afterCrashMs: number;
}

/** The timeline of one row of the table. */
export const QOS_TIMING: QosTiming = {
  warmupMs: QOS_WARMUP_MS,
  crashAtMs: QOS_CRASH_AT_MS,
  afterCrashMs: 16_000,
};

const ACCUSING = new Set(["suspect", "dead"]);
const CLEARING = new Set(["trust", "join", "left"]);

/** What one run measured. */
export interface RunFigures {
  detectionMsFirst: number;
  detectionMsAll: number;
  perObserverMs: number[];
  mistakes: number;
  mistakeMsTotal: number;
  healthyMistakes: number;
  sent: number;
  bytes: number;
}

/** Looks at the detector objects themselves every `everyMs` from `fromMs` until the crash. */
export interface QosSampling {
  readonly everyMs: number;
  readonly fromMs: number;
  readonly sample: (nodes: readonly (ProtocolNode<unknown, unknown> | undefined)[]) => void;
}

/**
 * One run of detector `d` under condition `s` with `n` members: member n−1
 * crashes at `timing.crashAtMs`; false suspicions are counted from
 * `timing.warmupMs` until then.
 */
export function runQos(
  d: QosDetector,
  s: QosScenario,
  n: number,
  seed: number,
  timing: QosTiming = QOS_TIMING,
  sampling?: QosSampling,
): RunFigures {
  let bytes = 0;
  const shape = s.shape;
  const plain: ProtocolNode<unknown, unknown>[] = [];
  const sim = new Simulation<unknown, unknown>({
    seed,
    nodeCount: n,
    create: (id) => {
      const inner: ProtocolNode<unknown, unknown> = d.protocol.create(id, d.config);
      plain[id] = inner;
      const node = shape === undefined ? inner : shapeLatency(inner, shape, seed, id);
      const start = node.start.bind(node);
      node.start = (env, recovered) => {
        const send = env.send.bind(env);
        start(
          {
            ...spread(env),
            send: (to: NodeId, msg: unknown) => {
              bytes += JSON.stringify(msg).length;
              send(to, msg);
            },
          },
          recovered,
        );
      };
      return node;
    },
    validate: (msg) => d.protocol.validate(msg),
    network: s.network,
  });
  for (const f of s.faults(n)) sim.schedule(f.atMs, f.spec);
  const victim = n - 1;
  sim.schedule(timing.crashAtMs, { verb: "crash", node: victim });
  if (sampling !== undefined) {
    for (let t = sampling.fromMs; t < timing.crashAtMs; t += sampling.everyMs)
      sim.at(t, () => sampling.sample(plain));
  }
  sim.run(timing.crashAtMs + timing.afterCrashMs);
  const events = sim.events();
  const mistakes = falseSuspicions(events, timing.warmupMs, timing.crashAtMs);
  const healthy = events.filter((e) => e.event.peer !== s.impaired);
  const healthyMistakes = falseSuspicions(healthy, timing.warmupMs, timing.crashAtMs).mistakes;
  const detection = detectionTimes(events, n, victim, timing.crashAtMs);
  return { ...detection, ...mistakes, healthyMistakes, sent: sim.counters().sent, bytes };
}

// biome-ignore lint/suspicious/noExplicitAny: copies an Env of any message type, keeping its methods bound
function spread(env: any): any {
  return {
    self: env.self,
    cluster: env.cluster,
    now: () => env.now(),
    send: (to: NodeId, msg: unknown) => env.send(to, msg),
    setTimer: (afterMs: number, tag: unknown) => env.setTimer(afterMs, tag),
    cancelTimer: (id: number) => env.cancelTimer(id),
    random: () => env.random(),
    buggify: (site: string) => env.buggify(site),
    storage: env.storage,
    emit: (event: ProtocolEvent) => env.emit(event),
    log: env.log,
    metrics: env.metrics,
  };
}

/** Accusations of live members in [fromMs, toMs): how many, and how long in total (clipped at toMs). */
export function falseSuspicions(
  events: readonly { t: number; node: NodeId; event: ProtocolEvent }[],
  fromMs: number,
  toMs: number,
): { mistakes: number; mistakeMsTotal: number } {
  const open = new Map<string, number>();
  let mistakes = 0;
  let total = 0;
  for (const e of events) {
    if (e.t >= toMs) break;
    if (typeof e.event.peer !== "number") continue;
    const key = `${e.node}>${e.event.peer}`;
    if (ACCUSING.has(e.event.type) && !open.has(key)) {
      open.set(key, e.t);
      if (e.t >= fromMs) mistakes += 1;
    } else if (CLEARING.has(e.event.type) && open.has(key)) {
      const since = open.get(key)!;
      if (since >= fromMs) total += e.t - since;
      open.delete(key);
    }
  }
  for (const since of open.values()) if (since >= fromMs) total += toMs - since;
  return { mistakes, mistakeMsTotal: total };
}

/** From `crashMs`, when each live member's lasting accusation of `victim` began: the first and the last of them. */
export function detectionTimes(
  events: readonly { t: number; node: NodeId; event: ProtocolEvent }[],
  n: number,
  victim: NodeId,
  crashMs: number,
): { detectionMsFirst: number; detectionMsAll: number; perObserverMs: number[] } {
  const since = new Map<NodeId, number | undefined>();
  for (const e of events) {
    if (e.event.peer !== victim || e.node === victim) continue;
    if (ACCUSING.has(e.event.type) && since.get(e.node) === undefined) since.set(e.node, e.t);
    else if (CLEARING.has(e.event.type)) since.set(e.node, undefined);
  }
  let first = Number.POSITIVE_INFINITY;
  let all = 0;
  const perObserverMs: number[] = [];
  for (let a = 0; a < n; a++) {
    if (a === victim) continue;
    const t = since.get(a);
    const d = t === undefined ? Number.POSITIVE_INFINITY : Math.max(0, t - crashMs);
    first = Math.min(first, d);
    all = Math.max(all, d);
    perObserverMs.push(d);
  }
  return { detectionMsFirst: first, detectionMsAll: all, perObserverMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs one detector on one condition at size `n` over seeds 1..`seeds`. */
export function evaluate(d: QosDetector, s: QosScenario, n: number, seeds: number): QosRow {
  const runs = Array.from({ length: seeds }, (_, i) => runQos(d, s, n, i + 1));
  const seconds = (QOS_TIMING.crashAtMs + QOS_TIMING.afterCrashMs) / 1000;
  const windowHours = (QOS_TIMING.crashAtMs - QOS_TIMING.warmupMs) / 3_600_000;
  const mistakes = runs.reduce((a, r) => a + r.mistakes, 0);
  const mistakeMs = runs.reduce((a, r) => a + r.mistakeMsTotal, 0);
  return {
    detector: d.name,
    scenario: s.name,
    n,
    seeds,
    detectionMsFirst: median(runs.map((r) => r.detectionMsFirst)),
    detectionMsAll: median(runs.map((r) => r.detectionMsAll)),
    mistakesPerMemberHour: mistakes / seeds / n / windowHours,
    mistakeMs: mistakes === 0 ? 0 : mistakeMs / mistakes,
    healthyMistakesPerMemberHour:
      runs.reduce((a, r) => a + r.healthyMistakes, 0) / seeds / n / windowHours,
    msgsPerMemberPerSec: runs.reduce((a, r) => a + r.sent, 0) / seeds / n / seconds,
    bytesPerMemberPerSec: runs.reduce((a, r) => a + r.bytes, 0) / seeds / n / seconds,
  };
}

/**
 * SWIM's first-detection time with suspicion off (§3.1's analysis): the
 * expected time from a crash to its first detection by some member is
 * e/(e−1) protocol periods. A failed probe is judged at the end of its own
 * period, and the crash falls on average half a period before the next probe
 * starts, so we report (time to the first `dead`) − 0.5 periods, in periods.
 */
export function swimFirstDetectionPeriods(
  n: number,
  seeds: number,
): { meanPeriods: number; runs: number } {
  const config = { ...SWIM_SCENARIO_CONFIG, suspicion: false, localHealth: false };
  const periodMs = config.probeIntervalMs;
  let sum = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const sim = new Simulation<unknown, unknown>({
      seed,
      nodeCount: n,
      create: (id) => swimProtocol.create(id, config),
      validate: (msg) => swimProtocol.validate(msg),
    });
    // crash at a random phase of the period
    const crashMs = 5_000 + ((seed * 7919) % periodMs);
    sim.schedule(crashMs, { verb: "crash", node: n - 1 });
    sim.run(crashMs + 40 * periodMs);
    const first = sim
      .events()
      .find((e) => e.t >= crashMs && e.event.type === "dead" && e.event.peer === n - 1);
    sum += first === undefined ? 40 : (first.t - crashMs) / periodMs - 0.5;
  }
  return { meanPeriods: sum / seeds, runs: seeds };
}
