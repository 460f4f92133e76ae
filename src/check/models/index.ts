import type { AnyModel } from "../model.js";
import { counterCell } from "./counter.js";
import { keyed } from "./keyed.js";
import { appendCell } from "./kv.js";
import { queueCell } from "./queue.js";
import { casRegisterCell, etcdCell, registerCell } from "./register.js";
import { setCell } from "./set.js";

/**
 * The built-in models by `--model` name. Each is keyed: operations with a
 * `key` address independent objects, and the checker judges key by key.
 */
export const MODELS: ReadonlyMap<string, AnyModel> = new Map<string, AnyModel>(
  [
    keyed(registerCell, "register", registerCell.summary),
    keyed(casRegisterCell, "cas-register", casRegisterCell.summary),
    keyed(etcdCell, "etcd", etcdCell.summary),
    keyed(appendCell, "kv", appendCell.summary),
    keyed(setCell, "set", setCell.summary),
    keyed(queueCell, "queue", queueCell.summary),
    keyed(counterCell, "counter", counterCell.summary),
  ].map((m) => [m.name, m as AnyModel]),
);

export type { KeyedState } from "./keyed.js";
export type { QueueState } from "./queue.js";
export type { SetState } from "./set.js";
export {
  appendCell,
  casRegisterCell,
  counterCell,
  etcdCell,
  keyed,
  queueCell,
  registerCell,
  setCell,
};
