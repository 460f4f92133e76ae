export { CLIENT_SCRIPT } from "./client.js";
export { escapeHtml, renderHtml, scriptJson } from "./html.js";
export type { AnyCheckResult, Highlight, ReportView, ViewOp } from "./view.js";
export { reportView } from "./view.js";
export type { ReportOptions } from "./write.js";
export { reportFileName, writeReport } from "./write.js";
