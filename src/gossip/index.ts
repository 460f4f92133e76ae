export { AntiEntropyNode, antiEntropyProtocol } from "./anti-entropy.js";
export { antiEntropyRecurrence, antiEntropyStep, runAntiEntropy } from "./anti-entropy-rounds.js";
export type {
  AntiEntropyCurves,
  CoinRow,
  GossipBenchRow,
  ScaleRow,
} from "./bench-gossip.js";
export {
  antiEntropyCurves,
  coinRows,
  compareRow,
  paperRows,
  scaleRows,
  TARGET,
} from "./bench-gossip.js";
export { formatCoinRows, formatPaperRows, formatScaleRows } from "./bench-report.js";
export type { GossipConfig } from "./config.js";
export { checkGossipConfig, GOSSIP_DEFAULTS, isKeeper, randomPeer } from "./config.js";
export type { AntiEntropyMessage, RumorMessage } from "./messages.js";
export { validateAntiEntropy, validateRumor, WIRE_LIMITS } from "./messages.js";
export type { PaperRow, PaperTable } from "./paper.js";
export { analyticCoinResidue, PAPER_TABLES } from "./paper.js";
export { Prng } from "./prng.js";
export { GossipReplica } from "./replica.js";
export { RumorNode, rumorId, rumorProtocol } from "./rumor.js";
export type {
  ExchangeMode,
  InterestPolicy,
  RumorOutcome,
  RumorSetting,
} from "./rumor-rounds.js";
export { rumorSetting, runRumor } from "./rumor-rounds.js";
export type { MeasuredRow, Spread } from "./rumor-table.js";
export {
  measure,
  measureTable,
  relativeDifference,
  settingOf,
  variantName,
} from "./rumor-table.js";
export { antiEntropySvg } from "./svg-plot.js";
export type {
  CertificateOptions,
  DigestItem,
  MapValue,
  MergeResult,
  Version,
  WireEntry,
} from "./versioned-map.js";
export { compareVersions, VersionedMap } from "./versioned-map.js";
