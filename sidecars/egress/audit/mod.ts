/**
 * The egress audit log: one JSON line per decision (log.ts), built per request by an
 * AuditRecorder (recorder.ts).
 */
export { type AuditEntry, type AuditSink, FileAudit, formatAuditLine, redactPath } from "./log.ts";
export { type AuditExtras, AuditRecorder } from "./recorder.ts";
