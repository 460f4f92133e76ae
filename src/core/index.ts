export { AssertionError, assert, assertNever } from "./assert.js";
export type { Env } from "./env.js";
export { adaptEnv, type EnvAdapter, type EnvOverrides, wrapEnv } from "./env-wrap.js";
export type { NodeId, TimerId } from "./ids.js";
export { isNodeId, nodeName, parseNodeId } from "./ids.js";
export type { Logger, Metrics, ProtocolEvent } from "./observe.js";
export { NO_METRICS, SILENT_LOGGER } from "./observe.js";
export type { AnyProtocol, HostNotice, Protocol, ProtocolNode } from "./protocol.js";
export type { DurableStorage, RecoveryReport, StoredValue } from "./storage.js";
export { CLEAN_RECOVERY } from "./storage.js";
export {
  checkArray,
  checkBoolean,
  checkFinite,
  checkNat,
  checkString,
  checkTagged,
  describeValue,
  firstProblem,
  isRecord,
} from "./validate.js";
