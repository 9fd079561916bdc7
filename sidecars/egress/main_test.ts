import assert from "node:assert/strict";
import {
  eventually,
  header,
  passthroughRoute,
  proxyRequest,
  RawClient,
  startDoor,
  startEchoServer,
  startStandIn,
  testPolicy,
  tunnelClient,
  writePolicyFile,
  writeSecrets,
} from "./testing/mod.ts";
import { makeDaemonDir, spawnDaemon, stopDaemon } from "./testing/daemon.ts";
import type { PolicyRoute } from "./policy/wire.ts";
import { LOADED_POLICY_FILE } from "./policy/file.ts";
import { sha256Hex } from "../../lib/sha256.ts";
import { accepts } from "../../lib/wait.ts";
import type { InjectedSecret } from "./secrets/wire.ts";

/** These tests tunnel raw TCP to an echo server: every host they use is passthrough. */
function writePolicy(path: string, allow: string[]): void {
  const routes = ["allowed.test", "other.test", "localhost"].map(passthroughRoute);
  writePolicyFile(path, testPolicy(allow, routes));
}

function connect(socket: string, authority: string): Promise<number> {
  return proxyRequest(socket, `CONNECT ${authority} HTTP/1.1\r\n\r\n`, "CONNECT")
    .then((r) => r.status);
}

Deno.test("egress main: SIGHUP reloads the policy, keeps open tunnels, survives a bad file", async () => {
  const dir = await makeDaemonDir();
  writePolicy(`${dir}/policy.json`, ["allowed.test"]);
  const echo = startEchoServer();
  const daemon = spawnDaemon(dir);
  try {
    await eventually(() => accepts(daemon.socket), "egress socket");
    const target = `allowed.test:${echo.port}`;
    const tunnel = await RawClient.connect(daemon.socket);
    await tunnel.send(`CONNECT ${target} HTTP/1.1\r\n\r\n`);
    assert.equal((await tunnel.readResponse("CONNECT")).status, 200);
    assert.equal(await connect(daemon.socket, `other.test:${echo.port}`), 403);
    // DNS works under the daemon's narrow permissions (and localhost is refused).
    writePolicy(`${dir}/policy.json`, ["allowed.test", "localhost"]);
    daemon.child.kill("SIGHUP");
    await eventually(async () => {
      const r = await proxyRequest(
        daemon.socket,
        `CONNECT localhost:${echo.port} HTTP/1.1\r\n\r\n`,
        "CONNECT",
      );
      return r.status === 403 && /private address/.test(r.body);
    }, "localhost refused as private");

    writePolicy(`${dir}/policy.json`, ["other.test"]);
    daemon.child.kill("SIGHUP");
    await eventually(async () => await connect(daemon.socket, target) === 403, "reload to deny");
    assert.equal(await connect(daemon.socket, `other.test:${echo.port}`), 200);
    await tunnel.send("after-reload");
    assert.equal(await tunnel.readExactly(12), "after-reload");

    Deno.writeTextFileSync(`${dir}/policy.json`, '{"version":1,"bottle":"dev","allow":["*"]');
    daemon.child.kill("SIGHUP");
    await eventually(() => daemon.stderr.text.includes("reload failed"), "reload error in stderr");
    assert.match(daemon.stderr.text, /keeping the previous policy/);
    assert.equal(await connect(daemon.socket, `other.test:${echo.port}`), 200);
    assert.equal(await connect(daemon.socket, target), 403);
    await tunnel.send("still");
    assert.equal(await tunnel.readExactly(5), "still");
    tunnel.close();

    daemon.child.kill("SIGTERM");
    assert.equal((await daemon.child.status).code, 0);
    await daemon.finished;
    assert.equal(daemon.stdout.text, "");
    assert.ok(!(await accepts(daemon.socket)));
    assert.throws(() => Deno.lstatSync(daemon.socket), Deno.errors.NotFound);
    const audit = Deno.readTextFileSync(`${dir}/log/egress.jsonl`).trim().split("\n");
    assert.ok(audit.length >= 6);
  } finally {
    await stopDaemon(daemon, "SIGKILL");
    await echo.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("egress main: an invalid policy at start exits 2 and says why", async () => {
  const dir = await makeDaemonDir();
  Deno.writeTextFileSync(
    `${dir}/policy.json`,
    JSON.stringify({ version: 1, bottle: "dev", allow: ["*"], deny: [], routes: [] }),
  );
  const daemon = spawnDaemon(dir);
  try {
    const status = await daemon.child.status;
    await daemon.finished;
    assert.equal(status.code, 2);
    assert.match(daemon.stderr.text, /allow\[0\]: a bare "\*" is only valid in deny/);
    assert.throws(() => Deno.lstatSync(daemon.socket), Deno.errors.NotFound);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("egress main: intercepts with the bottle CA, injects, reloads secrets atomically", async () => {
  const dir = await makeDaemonDir();
  const standIn = await startStandIn(["api.test"]);
  Deno.writeTextFileSync(`${dir}/upstream-ca.pem`, standIn.caPem);
  const routes: PolicyRoute[] = [
    { host: "api.test", passthrough: false, upstream_ca_file: `${dir}/upstream-ca.pem` },
  ];
  writePolicyFile(`${dir}/policy.json`, testPolicy(["api.test"], routes));
  const secret = (value: string): InjectedSecret[] => [
    { host: "api.test", scheme: "bearer", value, placeholder: "bb-placeholder-main-01" },
  ];
  writeSecrets(`${dir}/secrets.json`, secret("sk-first-0123456789"));
  // DLP has its own tests; here it is off so the test does not depend on its rules.
  const daemon = spawnDaemon(dir, { "api.test": "127.0.0.1" }, ["--no-dlp"]);
  const door = startDoor(daemon.socket);
  const ca = Deno.readTextFileSync(`${dir}/ca/ca.crt`);
  const ask = async (): Promise<string> => {
    const client = await tunnelClient(door, `api.test:${standIn.port}`, ca);
    try {
      await client.send(
        `GET /reflect HTTP/1.1\r\nHost: api.test:${standIn.port}\r\n` +
          `Authorization: Bearer bb-placeholder-main-01\r\n\r\n`,
      );
      const response = await client.readResponse();
      assert.equal(response.status, 200, header(response, "x-bot-bottle-reason"));
      return standIn.requests[standIn.requests.length - 1].headers.authorization;
    } finally {
      client.close();
    }
  };
  const marker = (): string => Deno.readTextFileSync(`${dir}/log/${LOADED_POLICY_FILE}`);
  const sha = (path: string): string => sha256Hex(Deno.readTextFileSync(path));
  try {
    await eventually(() => accepts(daemon.socket), "egress socket");
    assert.equal(await ask(), "Bearer sk-first-0123456789");
    assert.equal(marker(), `${sha(`${dir}/policy.json`)} ${sha(`${dir}/secrets.json`)}`);

    writeSecrets(`${dir}/secrets.json`, secret("sk-second-0123456789"));
    daemon.child.kill("SIGHUP");
    await eventually(() => marker().endsWith(sha(`${dir}/secrets.json`)), "secrets reloaded");
    assert.equal(await ask(), "Bearer sk-second-0123456789");

    // A bad secrets file keeps both old files in force, even with a good new policy.
    const before = marker();
    writePolicyFile(`${dir}/policy.json`, testPolicy(["api.test", "more.test"], routes));
    Deno.writeTextFileSync(`${dir}/secrets.json`, '{"version":1,"bottle":"dev","secrets":[{}]}');
    daemon.child.kill("SIGHUP");
    await eventually(() => daemon.stderr.text.includes("reload failed"), "reload error");
    assert.match(daemon.stderr.text, /keeping the previous policy and secrets/);
    assert.ok(!daemon.stderr.text.includes("sk-second"));
    assert.equal(marker(), before);
    assert.equal(await ask(), "Bearer sk-second-0123456789");
  } finally {
    await door.close();
    await stopDaemon(daemon, "SIGTERM");
    await standIn.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("egress main: the DLP engine (dlp/mod.ts) blocks the bottle's own secret leaving", async () => {
  const dir = await makeDaemonDir();
  const standIn = await startStandIn(["api.test"]);
  Deno.writeTextFileSync(`${dir}/upstream-ca.pem`, standIn.caPem);
  writePolicyFile(
    `${dir}/policy.json`,
    testPolicy(["api.test"], [
      { host: "api.test", passthrough: false, upstream_ca_file: `${dir}/upstream-ca.pem` },
    ]),
  );
  const value = "sk-dlp-daemon-0123456789abcdefghijklmnop";
  writeSecrets(`${dir}/secrets.json`, [
    {
      host: "api.test",
      path_prefix: "/v1/",
      scheme: "bearer",
      value,
      placeholder: "bb-ph-dlp-0001",
    },
  ]);
  const daemon = spawnDaemon(dir, { "api.test": "127.0.0.1" });
  const door = startDoor(daemon.socket);
  const ca = Deno.readTextFileSync(`${dir}/ca/ca.crt`);
  const post = async (body: string): Promise<{ status: number; reason: string }> => {
    const client = await tunnelClient(door, `api.test:${standIn.port}`, ca);
    try {
      await client.send(
        `POST /echo HTTP/1.1\r\nHost: api.test:${standIn.port}\r\n` +
          `Content-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      const response = await client.readResponse();
      return { status: response.status, reason: header(response, "x-bot-bottle-reason") ?? "" };
    } finally {
      client.close();
    }
  };
  try {
    await eventually(() => accepts(daemon.socket), "egress socket");
    assert.deepEqual(await post("nothing to see here"), { status: 200, reason: "" });
    const blocked = await post(`leaked: ${value} (oops)`);
    assert.equal(blocked.status, 403);
    assert.match(blocked.reason, /bottle-secret/);
    assert.ok(!blocked.reason.includes(value));
    assert.equal(standIn.requests.length, 1);
    assert.ok(!daemon.stderr.text.includes("cannot load the DLP engine"), daemon.stderr.text);
  } finally {
    await door.close();
    await stopDaemon(daemon, "SIGTERM");
    await standIn.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
