export type { HlcOptions, HlcReceipt, HlcRejection, HlcTimestamp } from "./hlc.js";
export { checkTimestamp, compareHlc, HybridLogicalClock } from "./hlc.js";
export { LamportClock } from "./lamport.js";
export type { VectorClock, VectorOrder } from "./vector.js";
export {
  VECTOR_ZERO,
  vectorAt,
  vectorCompare,
  vectorFrom,
  vectorMerge,
  vectorTick,
} from "./vector.js";
export {
  decodeVector,
  decodeVectorDelta,
  encodeVector,
  encodeVectorDelta,
} from "./vector-codec.js";
