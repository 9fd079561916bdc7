import assert from "node:assert/strict";
import { join } from "node:path";
import { runNotify } from "./notify.ts";
import type { SuperviseRequest } from "./wire.ts";

const REQUEST: SuperviseRequest = {
  id: 12,
  project: "/p",
  bottle: "dev",
  agent: "reviewer",
  kind: "egress",
  payload: { host: "api.example.com" },
  reason: "it is `$(touch /tmp/pwned)` needed",
  state: "pending",
  created_at: "2026-06-01T12:00:00.000Z",
  decided_by: null,
  decided_at: null,
  response: null,
  grant_id: null,
  expires_at: null,
};

Deno.test("notify: the request goes to stdin as JSON, its id and kind to the environment", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "out.json");
    const result = await runNotify({
      argv: ["/bin/sh", "-c", `cat > '${out}'; echo "$BOT_BOTTLE_REQUEST_ID $BOT_BOTTLE_KIND"`],
    }, REQUEST);
    assert.deepEqual(result, { code: 0, signal: null, timedOut: false, output: "12 egress\n" });
    assert.deepEqual(JSON.parse(Deno.readTextFileSync(out)), REQUEST);
    const shell = await runNotify({ shell: "cat >/dev/null; echo to stderr >&2; exit 3" }, REQUEST);
    assert.equal(shell.code, 3);
    assert.equal(shell.output, "to stderr\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notify: a command that hangs is killed; one that is missing is reported", async () => {
  const started = Date.now();
  const hung = await runNotify({ shell: "sleep 2 & sleep 30" }, REQUEST, 300);
  assert.equal(hung.timedOut, true);
  assert.equal(hung.signal, "SIGKILL");
  assert.ok(Date.now() - started < 3000, "the orphan holding the output does not block");
  const missing = await runNotify({ argv: ["/nonexistent/notify"] }, REQUEST);
  assert.equal(missing.code, null);
  assert.match(missing.output, /nonexistent|No such file/);
  const noStdin = await runNotify({ argv: ["/bin/true"] }, REQUEST);
  assert.equal(noStdin.code, 0);
});
