export type { CausalOptions, CausalResult } from "./causal.js";
export { checkCausal } from "./causal.js";
export { HistoryError } from "./errors.js";
export type { HistoryFormat } from "./formats/detect.js";
export { detectFormat, FORMATS, parseHistory } from "./formats/detect.js";
export type { HistoryEvent } from "./formats/events.js";
export type { History, Operation, OpStatus } from "./history.js";
export type { LinearizableOptions } from "./linearizable/check.js";
export { CACHE_BYTES_MAX, checkLinearizable } from "./linearizable/check.js";
export type { ParallelOptions } from "./linearizable/parallel.js";
export { checkLinearizableParallel } from "./linearizable/parallel.js";
export type { AnyModel, Model } from "./model.js";
export type { KeyedState, QueueState, SetState } from "./models/index.js";
export {
  appendCell,
  casRegisterCell,
  counterCell,
  etcdCell,
  keyed,
  MODELS,
  queueCell,
  registerCell,
  setCell,
} from "./models/index.js";
export { resolveModel } from "./models/resolve.js";
export type { ReportOptions } from "./report/index.js";
export { writeReport } from "./report/index.js";
export type { LinearizabilityResult, PartitionResult, StuckOp, Verdict } from "./result.js";
export { combineVerdicts } from "./result.js";
export type { CheckerName, CheckOutcome, RunOptions } from "./run.js";
export { CHECKERS, runChecker } from "./run.js";
export type { SequentialOptions, SequentialResult } from "./sequential.js";
export { checkSequential } from "./sequential.js";
export type { SessionResult } from "./session.js";
export { checkSessionGuarantees } from "./session.js";
export { hashCombine, hashString, showValue, valueEqual, valueHash } from "./values.js";
