import assert from "node:assert/strict";
import { type AuditEntry, FileAudit, formatAuditLine, redactPath } from "./log.ts";

const entry: AuditEntry = {
  ts: "2025-01-01T00:00:00.000Z",
  bottle: "dev",
  method: "GET",
  host: "x.com",
  port: 80,
  path: "/a/b?token=secret#frag",
  intercepted: false,
  rule: "x.com",
  verdict: "allow",
  reason: "allowed",
  status: 200,
  bytes_up: 10,
  bytes_down: 20,
  ms: 3,
};

Deno.test("redactPath removes query and fragment", () => {
  assert.equal(redactPath("/a?b=c"), "/a");
  assert.equal(redactPath("/a#x"), "/a");
  assert.equal(redactPath("/a"), "/a");
  assert.equal(redactPath(`/${"a".repeat(3000)}`).length, 2049);
});

Deno.test("formatAuditLine: fixed fields, no query, test_resolve only when set", () => {
  const line = formatAuditLine(entry);
  assert.ok(line.endsWith("\n"));
  const parsed = JSON.parse(line);
  assert.deepEqual(Object.keys(parsed), [
    "ts",
    "bottle",
    "method",
    "host",
    "port",
    "path",
    "intercepted",
    "rule",
    "verdict",
    "reason",
    "status",
    "bytes_up",
    "bytes_down",
    "ms",
  ]);
  assert.equal(parsed.path, "/a/b");
  assert.ok(!line.includes("secret"));
  assert.equal(JSON.parse(formatAuditLine({ ...entry, test_resolve: true })).test_resolve, true);
  assert.equal(JSON.parse(formatAuditLine({ ...entry, path: null })).path, null);
  const extra = JSON.parse(
    formatAuditLine({ ...entry, injected: "api.x.com/v1/", dlp_warnings: ["r@body"] }),
  );
  assert.equal(extra.injected, "api.x.com/v1/");
  assert.deepEqual(extra.dlp_warnings, ["r@body"]);
  assert.equal(parsed.grant, undefined);
});

Deno.test("formatAuditLine: a grant's request follows the rule", () => {
  const granted = JSON.parse(formatAuditLine({ ...entry, rule: "grant:request 3", grant: 3 }));
  const keys = Object.keys(granted);
  assert.equal(keys[keys.indexOf("rule") + 1], "grant");
  assert.equal(granted.grant, 3);
});

Deno.test("FileAudit appends one line per record", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const errors: string[] = [];
    const audit = new FileAudit(`${dir}/logs`, (m) => errors.push(m));
    audit.record(entry);
    audit.record({ ...entry, verdict: "deny", status: 403 });
    audit.close();
    const lines = Deno.readTextFileSync(`${dir}/logs/egress.jsonl`).trim().split("\n");
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[1]).verdict, "deny");
    assert.equal(Deno.statSync(`${dir}/logs/egress.jsonl`).mode! & 0o777, 0o600);
    assert.deepEqual(errors, []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
