import assert from "node:assert/strict";
import { stateDbFiles, SUPERVISE_CONFIG_ERROR, superviseChild } from "./mod.ts";
import { MCP_SDK_SPECIFIER, ZOD_SPECIFIER } from "./sdk.ts";
import type { SuperviseConfig } from "./wire.ts";

const CONFIG: SuperviseConfig = {
  version: 1,
  bottle: "dev",
  project: "/p",
  state_db: "/s/state.db",
  egress_policy_file: "/b/policy.json",
  gate_policy_file: "/b/gate/gate.json",
  agents: ["reviewer"],
  kinds: ["egress", "git", "ask"],
  wait_seconds: 30,
  max_pending: 5,
  per_hour: 20,
  notify: { argv: ["notify-send", "x"] },
  log_dir: "/b/log",
};

Deno.test("superviseChild: least permissions, the config file, the socket in the run dir", () => {
  const child = superviseChild(
    { runDir: "/r", configFile: "/b/supervise.json", config: CONFIG },
    { PATH: "/usr/bin", HOME: "/h", SECRET_TOKEN: "x" },
  );
  assert.equal(child.name, "supervise");
  assert.equal(child.command, Deno.execPath());
  assert.equal(child.socket, "/r/supervise.sock");
  assert.equal(child.configErrorCode, SUPERVISE_CONFIG_ERROR);
  const db = "/s/state.db,/s/state.db-wal,/s/state.db-shm,/s/state.db-journal";
  const script = child.args.find((arg) => arg.endsWith("/supervise/main.ts"));
  assert.ok(script !== undefined && script.startsWith("/"));
  const at = child.args.indexOf(script);
  assert.deepEqual(child.args.slice(at - 5, at), [
    `--allow-read=/b/supervise.json,/b/policy.json,/b/gate/gate.json,${db},/r/supervise.sock`,
    `--allow-write=${db},/b/log,/r/supervise.sock`,
    "--allow-net=unix:/r/supervise.sock",
    "--allow-run=notify-send",
    "--allow-env=PATH",
  ]);
  assert.deepEqual(child.args.slice(at + 1), [
    "--config",
    "/b/supervise.json",
    "--socket",
    "/r/supervise.sock",
    "--exit-with-parent",
  ]);
  assert.ok(child.args.includes("--no-config") && child.args.includes("--cached-only"));
  assert.deepEqual(child.env, { NO_COLOR: "1", PATH: "/usr/bin", HOME: "/h" });
});

Deno.test("superviseChild: /bin/sh for a shell notify, nothing to run without one", () => {
  const shell = superviseChild({
    runDir: "/r",
    configFile: "/b/s.json",
    config: { ...CONFIG, notify: { shell: "mail op" } },
  }, {});
  assert.ok(shell.args.includes("--allow-run=/bin/sh"));
  const { gate_policy_file: _, ...noGate } = CONFIG;
  const none = superviseChild(
    { runDir: "/r", configFile: "/b/s.json", config: { ...noGate, notify: null } },
    {},
  );
  assert.ok(!none.args.some((arg) => arg.startsWith("--allow-run")));
  assert.ok(!none.args.some((arg) => arg.includes("gate.json")));
  assert.throws(
    () => superviseChild({ runDir: "r", configFile: "/b/s.json", config: CONFIG }, {}),
    /absolute path/,
  );
  assert.deepEqual(stateDbFiles("/x.db"), ["/x.db", "/x.db-wal", "/x.db-shm", "/x.db-journal"]);
});

Deno.test("supervise: the SDK and zod specifiers match the pins in deno.json", () => {
  const config = JSON.parse(
    Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)),
  ) as { imports: Record<string, string> };
  assert.equal(config.imports["@modelcontextprotocol/sdk"], MCP_SDK_SPECIFIER);
  assert.equal(config.imports.zod, ZOD_SPECIFIER);
});
