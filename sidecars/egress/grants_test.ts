/**
 * Supervise grants through the real daemon (main.ts as the supervisor runs it): a refused host
 * granted by a policy rewrite and SIGHUP, in the same process; a path prefix held per request;
 * a grant running out without any reload, on an open keep-alive connection, for a new
 * connection and for a relayed tunnel.
 */
import assert from "node:assert/strict";
import {
  eventually,
  header,
  proxyRequest,
  RawClient,
  type RawResponse,
  startDoor,
  startEchoServer,
  startStandIn,
  testPolicy,
  tunnelClient,
  writePolicyFile,
} from "./testing/mod.ts";
import { makeDaemonDir, spawnDaemon, stopDaemon } from "./testing/daemon.ts";
import { get as plainGet, waitForAudit, withProxy } from "./testing/proxy_fixture.ts";
import type { EgressPolicy, PolicyGrant, PolicyRoute } from "./policy/wire.ts";
import type { AuditEntry } from "./audit/log.ts";
import { LOADED_POLICY_FILE } from "./policy/file.ts";
import { sha256Hex } from "../../lib/sha256.ts";
import { accepts, sleep } from "../../lib/wait.ts";

Deno.test("egress grants: granted by hot reload, held to a path, ended at expiry without reload", async (t) => {
  const dir = await makeDaemonDir();
  const standIn = await startStandIn(["api.test"]);
  const echo = startEchoServer();
  const routes: PolicyRoute[] = [
    { host: "api.test", passthrough: false, upstream_ca_pem: standIn.caPem },
    { host: "raw.test", passthrough: true },
  ];
  const policyFile = `${dir}/policy.json`;
  const policyWith = (grants: PolicyGrant[]): EgressPolicy =>
    testPolicy(["other.test"], routes, { supervise: true, grants });
  writePolicyFile(policyFile, policyWith([]));
  const daemon = spawnDaemon(dir, { "api.test": "127.0.0.1", "raw.test": "127.0.0.1" }, [
    "--no-dlp",
  ]);
  const door = startDoor(daemon.socket);
  const ca = Deno.readTextFileSync(`${dir}/ca/ca.crt`);
  const api = `api.test:${standIn.port}`;
  const marker = (): string => Deno.readTextFileSync(`${dir}/log/${LOADED_POLICY_FILE}`);
  const reloads = (): number => daemon.stderr.text.split("policy reloaded").length - 1;
  const reload = async (grants: PolicyGrant[]): Promise<void> => {
    writePolicyFile(policyFile, policyWith(grants));
    const sha = sha256Hex(Deno.readTextFileSync(policyFile));
    daemon.child.kill("SIGHUP");
    await eventually(() => marker().startsWith(`${sha} `), "the reload");
  };
  const get = async (client: RawClient, path: string): Promise<RawResponse> => {
    await client.send(`GET ${path} HTTP/1.1\r\nHost: ${api}\r\n\r\n`);
    return await client.readResponse();
  };
  const audit = (): AuditEntry[] =>
    Deno.readTextFileSync(`${dir}/log/egress.jsonl`).trim().split("\n").map((l) => JSON.parse(l));
  let exited = false;
  daemon.child.status.then(() => exited = true);
  try {
    await eventually(() => accepts(daemon.socket), "egress socket");
    const pid = daemon.child.pid;

    await t.step("refused, then granted by a rewrite and SIGHUP, same process", async () => {
      await assert.rejects(
        tunnelClient(door, api, ca),
        /CONNECT answered 403: [^]*not in this bottle's egress allowlist[^]*\nthis bottle has supervise: [^]*request_egress \(host "api\.test"/,
      );
      await reload([{ host: "api.test", request: 3 }]);
      const client = await tunnelClient(door, api, ca);
      try {
        const response = await get(client, "/");
        assert.equal(response.status, 200, header(response, "x-bot-bottle-reason"));
        assert.equal(response.body, "hello");
      } finally {
        client.close();
      }
      assert.equal(daemon.child.pid, pid);
      assert.equal(exited, false);
      await eventually(
        () => audit().some((l) => l.method === "GET" && l.rule === "grant:request 3"),
        "the GET audited",
      );
      const line = audit().find((l) => l.method === "GET" && l.rule === "grant:request 3")!;
      assert.equal(line.grant, 3);
      assert.equal(line.verdict, "allow");
      assert.match(line.reason, /allowed by supervise grant \(request 3\)/);
    });

    await t.step("a grant narrowed to a path prefix is checked on each request", async () => {
      await reload([{ host: "api.test", path_prefix: "/reflect", request: 4 }]);
      const client = await tunnelClient(door, api, ca);
      try {
        assert.equal((await get(client, "/reflect")).status, 200);
        const outside = await get(client, "/echo");
        assert.equal(outside.status, 403);
        assert.match(
          header(outside, "x-bot-bottle-reason") ?? "",
          /path "\/echo" of host "api\.test" is outside what supervise granted \(request 4/,
        );
      } finally {
        client.close();
      }
    });

    await t.step(
      "at expiry: the open keep-alive connection, a new one, a relayed tunnel",
      async () => {
        const expiresAt = Date.now() + 2000;
        const expires = new Date(expiresAt).toISOString();
        await reload([
          { host: "api.test", request: 5, expires_at: expires },
          { host: "raw.test", request: 6, expires_at: expires },
        ]);
        const client = await tunnelClient(door, api, ca);
        const raw = await RawClient.connect(daemon.socket);
        try {
          assert.equal((await get(client, "/")).status, 200);
          await raw.send(`CONNECT raw.test:${echo.port} HTTP/1.1\r\n\r\n`);
          assert.equal((await raw.readResponse("CONNECT")).status, 200);
          await raw.send("ping");
          assert.equal(await raw.readExactly(4), "ping");
          assert.ok(Date.now() < expiresAt, "the setup took longer than the grant lasts");
          const before = { reloads: reloads(), marker: marker() };

          await sleep(expiresAt - Date.now() + 100);
          const late = await get(client, "/");
          assert.equal(late.status, 403);
          assert.match(late.body, /granted by supervise \(request 5\) until .*, which has passed/);
          assert.match(late.body, /\nthis bottle has supervise: .*request_egress/);
          await assert.rejects(tunnelClient(door, api, ca), /CONNECT answered 403/);
          // Closed by the proxy at expiry (a read that times out fails the test).
          assert.equal(await raw.read(), null);
          assert.deepEqual({ reloads: reloads(), marker: marker() }, before);
        } finally {
          client.close();
          raw.close();
        }
        await eventually(
          () => audit().some((l) => l.method === "CONNECT" && l.host === "raw.test"),
          "the relayed tunnel audited",
        );
        const tunnelLine = audit().find((l) => l.method === "CONNECT" && l.host === "raw.test")!;
        assert.equal(tunnelLine.grant, 6);
        assert.match(tunnelLine.reason, /closed when the grant no longer allowed it: .*has passed/);
        assert.equal(daemon.child.pid, pid);
        assert.equal(exited, false);
      },
    );
  } finally {
    await door.close();
    await stopDaemon(daemon, "SIGTERM");
    await standIn.close();
    await echo.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("egress grants: a path-prefixed grant without a CA: plain HTTP checked, CONNECT refused", async () => {
  const grants: PolicyGrant[] = [{ host: "allowed.test", path_prefix: "/ok", request: 7 }];
  await withProxy(async ({ socket, origin, auditLines }) => {
    const base = `http://allowed.test:${origin.port}`;
    const inside = await proxyRequest(socket, plainGet(`${base}/ok/x`));
    assert.equal(inside.status, 200);
    const outside = await proxyRequest(socket, plainGet(`${base}/other`));
    assert.equal(outside.status, 403);
    assert.match(outside.body, /outside what supervise granted \(request 7/);
    const tunnel = await proxyRequest(
      socket,
      `CONNECT allowed.test:${origin.port} HTTP/1.1\r\n\r\n`,
      "CONNECT",
    );
    assert.equal(tunnel.status, 403);
    assert.match(tunnel.body, /cannot intercept TLS \(it has no CA\)/);
    assert.equal(origin.requests.length, 1);
    await waitForAudit(auditLines, 3);
    assert.deepEqual(auditLines().map((l) => [l.rule, l.grant, l.verdict]), [
      ["grant:request 7", 7, "allow"],
      [null, undefined, "deny"],
      ["grant:request 7", 7, "deny"],
    ]);
  }, testPolicy([], [], { grants }));
});
