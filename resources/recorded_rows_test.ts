/** Rows that older versions of bot-bottle recorded are still read (see each type's schema). */
import { assertEquals } from "../tests/assert.ts";
import { bottleDirProvider } from "./bottle_dir.ts";
import { doorProvider } from "./door.ts";
import { sidecarBundleProvider } from "./sidecar_bundle.ts";
import { agentHomeProvider } from "./agent_home.ts";
import { parseSandboxRecord } from "./sandbox.ts";

Deno.test("recorded rows: directories from before owned subdirs and the door's mode", () => {
  const path = "/s/bottles/dev";
  assertEquals(
    bottleDirProvider.inputsOf({ id: "bottle_dir.dev", inputs: { path, subdirs: [] } }),
    {
      path,
      subdirs: [],
    },
  );
  const services = [{ name: "egress", port: 3128, socket: "egress.sock" }];
  assertEquals(
    doorProvider.inputsOf({ id: "door.dev", inputs: { path: `${path}/run`, services } }),
    { path: `${path}/run`, services },
  );
});

Deno.test("recorded rows: a bundle with the test hook or without its CA and secrets paths", () => {
  const legacy = {
    bottle: "dev",
    runDir: "/s/bottles/dev/run",
    policyFile: "/s/bottles/dev/policy.json",
    logDir: "/s/bottles/dev/logs",
    testResolve: { "a.test": "127.0.0.1" },
  };
  assertEquals(sidecarBundleProvider.inputsOf({ id: "sidecar_bundle.dev", inputs: legacy }), {
    bottle: "dev",
    runDir: "/s/bottles/dev/run",
    policyFile: "/s/bottles/dev/policy.json",
    logDir: "/s/bottles/dev/logs",
    caDir: "/s/bottles/dev/ca",
    secretsFile: "/s/bottles/dev/secrets.json",
  });
  const { testResolve: _hook, ...spec } = legacy;
  const desired = { ...spec, caDir: "/c", secretsFile: "/k" };
  const diff = sidecarBundleProvider.diff(desired, { ...desired, testResolve: {} });
  assertEquals(diff.action, "noop", "the test hook left the inputs: no restart after upgrading");
});

Deno.test("recorded rows: an agent from before per-agent directories", () => {
  const inputs = agentHomeProvider.inputsOf({
    id: "agent_home.dev.old",
    inputs: {
      agent: "old",
      provider: "claude",
      home: "/h",
      prompt_path: ".bot-bottle/agents/old/prompt.md",
      prompt: "Be brief.\n",
      claude_json: null,
    },
  });
  assertEquals(inputs, {
    agent: "old",
    provider: "claude",
    home: "/h",
    dir: ".bot-bottle/agents/old",
    files: { "prompt.md": "Be brief.\n" },
    json_seeds: {},
    prompt_file: "/home/agent/.bot-bottle/agents/old/prompt.md",
    env: {},
  });
});

Deno.test("recorded rows: a sandbox record is its spec and its handle", () => {
  const spec = {
    bottle: "dev",
    workspaceDir: "/w",
    homeDir: "/h",
    runDir: "/r",
    backendDir: "/b",
    services: [],
    env: { A: "1" },
  };
  const handle = {
    backend: "bwrap",
    init: { pid: 1, startTime: 2 },
    inner: { pid: 3, startTime: 4 },
  };
  assertEquals(
    parseSandboxRecord({
      id: "sandbox.dev",
      inputs: { backend: "bwrap", ...spec },
      outputs: handle,
    }),
    { spec, handle },
  );
  assertEquals(
    parseSandboxRecord({ id: "sandbox.dev", inputs: { backend: "bwrap", ...spec }, outputs: null }),
    { spec, handle: null },
  );
});
