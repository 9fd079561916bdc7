import assert from "node:assert/strict";
import type { SandboxSpec } from "../backend.ts";
import { execEnv, sandboxEnv } from "./env.ts";

const SPEC: SandboxSpec = {
  bottle: "b",
  workspaceDir: "/w",
  homeDir: "/h",
  runDir: "/r",
  backendDir: "/b",
  services: [{ name: "egress", port: 3128, socket: "egress.sock" }],
  env: { PATH: "/opt/tool/bin:/usr/bin:/bin", LANG: "C.UTF-8" },
};

Deno.test("sandbox env: spec overrides defaults, the layout fixes HOME and USER", () => {
  const env = sandboxEnv({ ...SPEC, env: { ...SPEC.env, HOME: "/root", USER: "root" } });
  assert.equal(env.PATH, "/opt/tool/bin:/usr/bin:/bin");
  assert.equal(env.LANG, "C.UTF-8");
  assert.equal(env.HOME, "/home/agent");
  assert.equal(env.USER, "agent");
  assert.equal(env.HTTPS_PROXY, "http://127.0.0.1:3128");
  assert.equal(Object.keys(env).some((name) => name.startsWith("DENO")), false);
});

Deno.test("exec env: the call's env on top, TERM only for a terminal", () => {
  assert.equal(execEnv(SPEC, { tty: false }).TERM, undefined);
  assert.equal(execEnv(SPEC, { tty: true }).TERM, "xterm-256color");
  assert.equal(execEnv(SPEC, { tty: true, env: { TERM: "screen" } }).TERM, "screen");
  assert.equal(execEnv(SPEC, { tty: false, env: { LANG: "en_US.UTF-8" } }).LANG, "en_US.UTF-8");
  assert.throws(() => execEnv(SPEC, { tty: false, env: { "A=B": "c" } }), /invalid/);
});

Deno.test("sandbox env: with a trust store, every common client is pointed at it", () => {
  const env = sandboxEnv({ ...SPEC, trustDir: "/t" });
  for (
    const name of [
      "SSL_CERT_FILE",
      "CURL_CA_BUNDLE",
      "REQUESTS_CA_BUNDLE",
      "GIT_SSL_CAINFO",
      "DENO_CERT",
    ]
  ) {
    assert.equal(env[name], "/etc/bot-bottle/ca-bundle.crt", name);
  }
  assert.equal(env.NODE_EXTRA_CA_CERTS, "/etc/bot-bottle/bottle-ca.crt");
  assert.equal(sandboxEnv(SPEC).SSL_CERT_FILE, undefined);
});

Deno.test("sandbox env: extraPath goes in front of PATH (the spec's, else the default)", () => {
  assert.equal(
    sandboxEnv({ ...SPEC, extraPath: ["/opt/x/bin"] }).PATH,
    "/opt/x/bin:/opt/tool/bin:/usr/bin:/bin",
  );
  assert.equal(
    sandboxEnv({ ...SPEC, env: {}, extraPath: ["/opt/x/bin"] }).PATH,
    "/opt/x/bin:/usr/local/bin:/usr/bin:/bin",
  );
});
