import { checkNat, checkTagged, firstProblem, isRecord } from "../../core/index.js";

/** The ping detector's messages: a probe of round `msgId`, and its answer. */
export type PingMsg =
  | { readonly type: "ping"; readonly msgId: number }
  | { readonly type: "pingOk"; readonly inReplyTo: number };

/** The ping detector's timers: `round` starts a probe round; `timeout` judges round `msgId`. */
export type PingTimer =
  | { readonly kind: "round" }
  | { readonly kind: "timeout"; readonly msgId: number };

/** Returns why `msg` is not a well-formed `PingMsg`, or undefined when it is. */
export function validatePingMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, ["ping", "pingOk"]);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  return firstProblem(checkNat(msg, msg.type === "ping" ? "msgId" : "inReplyTo"));
}
