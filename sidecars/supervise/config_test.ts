import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig, notifyProgram, parseConfig, restartFields } from "./config.ts";
import type { SuperviseConfig } from "./wire.ts";

const GOOD: SuperviseConfig = {
  version: 1,
  bottle: "dev",
  project: "/home/op/project",
  state_db: "/home/op/.local/state/bot-bottle/state.db",
  egress_policy_file: "/b/policy.json",
  gate_policy_file: "/b/gate/gate.json",
  agents: ["reviewer", "writer"],
  kinds: ["egress", "git", "ask"],
  wait_seconds: 30,
  max_pending: 5,
  per_hour: 20,
  notify: { argv: ["notify-send", "bot-bottle"] },
  log_dir: "/b/log",
};

Deno.test("config: a good config parses unchanged", () => {
  assert.deepEqual(parseConfig(structuredClone(GOOD)), GOOD);
  const { gate_policy_file: _, ...noGate } = GOOD;
  assert.deepEqual(parseConfig({ ...noGate, notify: null }), { ...noGate, notify: null });
  assert.deepEqual(parseConfig({ ...GOOD, notify: { shell: "mail -s x op" } }).notify, {
    shell: "mail -s x op",
  });
});

Deno.test("config: every problem is named at once", () => {
  assert.throws(
    () =>
      parseConfig({
        ...GOOD,
        version: 2,
        project: "relative",
        agents: [],
        kinds: ["egress", "root"],
        wait_seconds: 601,
        max_pending: 0,
        notify: { argv: [] },
        log_dir: "/a,b",
      }),
    (e: Error) => {
      for (
        const part of [
          "version must be 1",
          "project must be an absolute path",
          "agents must be a non-empty list",
          "kinds must be a list of egress, git, ask",
          "wait_seconds must be a number from 0 to 600",
          "max_pending must be a number from 1",
          "notify must be null",
          "log_dir must be an absolute path without commas",
        ]
      ) {
        assert.ok(e.message.includes(part), `${part} in ${e.message}`);
      }
      return true;
    },
  );
  assert.throws(() => parseConfig([]), /expected a JSON object/);
  assert.throws(() => parseConfig({ ...GOOD, agents: ["../x"] }), /agents/);
  assert.throws(() => parseConfig({ ...GOOD, bottle: "a\nb" }), /bottle/);
  assert.throws(() => parseConfig({ ...GOOD, notify: { shell: "x", argv: ["y"] } }), /notify/);
});

Deno.test("config: the notify program, and the changes that need a restart", () => {
  assert.equal(notifyProgram(null), null);
  assert.equal(notifyProgram({ argv: ["notify-send", "x"] }), "notify-send");
  assert.equal(notifyProgram({ shell: "anything" }), "/bin/sh");
  assert.deepEqual(restartFields(GOOD, { ...GOOD, agents: ["a"], wait_seconds: 1 }), []);
  assert.deepEqual(restartFields(GOOD, { ...GOOD, notify: { argv: ["notify-send", "y"] } }), []);
  assert.deepEqual(
    restartFields(GOOD, {
      ...GOOD,
      state_db: "/x.db",
      gate_policy_file: undefined,
      notify: { shell: "x" },
    }),
    ["state_db", "gate_policy_file", "notify program"],
  );
});

Deno.test("config: loadConfig names the file in every error", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = join(dir, "supervise.json");
    assert.throws(() => loadConfig(path), /cannot read .*supervise\.json/);
    Deno.writeTextFileSync(path, "{");
    assert.throws(() => loadConfig(path), /supervise\.json is not valid JSON/);
    Deno.writeTextFileSync(path, JSON.stringify({ ...GOOD, version: 3 }));
    assert.throws(() => loadConfig(path), /supervise\.json: invalid supervise config/);
    Deno.writeTextFileSync(path, JSON.stringify(GOOD));
    assert.deepEqual(loadConfig(path), GOOD);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
