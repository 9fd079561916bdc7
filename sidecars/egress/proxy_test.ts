import assert from "node:assert/strict";
import { compilePolicy } from "./policy/decide.ts";
import { header, proxyRequest, RawClient } from "./testing/mod.ts";
import { get, policy, waitForAudit, withProxy } from "./testing/proxy_fixture.ts";

Deno.test("proxy: socket is world-connectable (0666)", async () => {
  await withProxy(({ socket }) => {
    const info = Deno.lstatSync(socket);
    assert.ok(info.isSocket);
    assert.equal(info.mode! & 0o777, 0o666);
    return Promise.resolve();
  });
});

Deno.test("proxy: allowed CONNECT tunnels bytes both ways, incl. bytes sent with the head", async () => {
  await withProxy(async ({ socket, echo, auditLines }) => {
    const client = await RawClient.connect(socket);
    await client.send(`CONNECT allowed.test:${echo.port} HTTP/1.1\r\nHost: x\r\n\r\nearly`);
    const response = await client.readResponse("CONNECT");
    assert.equal(response.status, 200);
    assert.equal(await client.readExactly(5), "early");
    await client.send("ping");
    assert.equal(await client.readExactly(4), "ping");
    await client.conn.closeWrite();
    assert.ok(await client.closedByPeer());
    client.close();
    await waitForAudit(auditLines, 1);
    const [line] = auditLines();
    assert.equal(line.method, "CONNECT");
    assert.equal(line.host, "allowed.test");
    assert.equal(line.port, echo.port);
    assert.equal(line.path, null);
    assert.equal(line.verdict, "allow");
    assert.equal(line.rule, "allowed.test");
    assert.equal(line.status, 200);
    assert.equal(line.bytes_up, 9);
    assert.equal(line.bytes_down, 9);
    assert.equal(line.test_resolve, true);
    assert.equal(line.bottle, "dev");
    assert.ok(line.ms >= 0);
  });
});

Deno.test("proxy: plain GET is rewritten to origin-form without proxy headers", async () => {
  await withProxy(async ({ socket, origin, auditLines, auditText }) => {
    const response = await proxyRequest(
      socket,
      get(
        `http://allowed.test:${origin.port}/hello?token=s3cret`,
        "Proxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\n" +
          "Connection: X-Hop\r\nX-Hop: 1\r\nX-Keep: 2\r\n",
      ),
    );
    assert.equal(response.status, 200);
    assert.equal(response.body, "hello");
    assert.equal(header(response, "x-origin"), "yes");
    const [seen] = origin.requests;
    assert.equal(seen.path, "/hello?token=s3cret");
    assert.equal(seen.headers["host"], `allowed.test:${origin.port}`);
    assert.equal(seen.headers["proxy-authorization"], undefined);
    assert.equal(seen.headers["proxy-connection"], undefined);
    assert.equal(seen.headers["x-hop"], undefined);
    assert.equal(seen.headers["x-keep"], "2");
    await waitForAudit(auditLines, 1);
    const [line] = auditLines();
    assert.equal(line.method, "GET");
    assert.equal(line.path, "/hello");
    assert.equal(line.status, 200);
    assert.equal(line.verdict, "allow");
    assert.ok(line.bytes_up > 0 && line.bytes_down > 0);
    assert.equal(line.test_resolve, true);
    assert.ok(!auditText().includes("s3cret"));
    assert.ok(!auditText().includes("Zm9v"));
  });
});

Deno.test("proxy: a denied host gets 403 with the reason, for GET and CONNECT", async () => {
  await withProxy(async ({ socket, auditLines }) => {
    const plain = await proxyRequest(socket, get("http://evil.test/x?q=1"));
    assert.equal(plain.status, 403);
    const reason = header(plain, "x-bot-bottle-reason") ?? "";
    assert.match(reason, /host "evil\.test" is not in this bottle's egress allowlist/);
    assert.match(reason, /egress\.allow in bottles\/dev\.md/);
    assert.match(plain.body, /blocked GET http:\/\/evil\.test\/x\n/);
    assert.match(plain.body, /reason: host "evil\.test"/);

    const client = await RawClient.connect(socket);
    await client.send("CONNECT evil.test:443 HTTP/1.1\r\nHost: evil.test:443\r\n\r\n");
    const tunnel = await client.readResponse("CONNECT");
    assert.equal(tunnel.status, 403);
    assert.match(
      header(tunnel, "x-bot-bottle-reason") ?? "",
      /not in this bottle's egress allowlist/,
    );
    assert.ok(await client.closedByPeer());
    client.close();

    await waitForAudit(auditLines, 2);
    const lines = auditLines();
    assert.deepEqual(lines.map((l) => [l.method, l.host, l.verdict, l.status, l.rule]), [
      ["GET", "evil.test", "deny", 403, null],
      ["CONNECT", "evil.test", "deny", 403, null],
    ]);
    assert.equal(lines[0].path, "/x");
  });
});

Deno.test("proxy: deny rules win over allow rules", async () => {
  await withProxy(async ({ socket, echo, auditLines }) => {
    const client = await RawClient.connect(socket);
    await client.send(`CONNECT blocked.wild.test:${echo.port} HTTP/1.1\r\n\r\n`);
    const denied = await client.readResponse("CONNECT");
    client.close();
    assert.equal(denied.status, 403);
    assert.match(
      header(denied, "x-bot-bottle-reason") ?? "",
      /denied by egress\.deny rule "blocked\.wild\.test"/,
    );
    const other = await RawClient.connect(socket);
    await other.send(`CONNECT a.wild.test:${echo.port} HTTP/1.1\r\n\r\n`);
    assert.equal((await other.readResponse("CONNECT")).status, 200);
    other.close();
    await waitForAudit(auditLines, 2);
  });
});

Deno.test("proxy: an allowed name resolving to a private address is refused", async () => {
  await withProxy(async ({ socket, origin, echo, auditLines }) => {
    const plain = await proxyRequest(socket, get(`http://localhost:${origin.port}/hello`));
    assert.equal(plain.status, 403);
    assert.match(header(plain, "x-bot-bottle-reason") ?? "", /resolves to a private address/);
    const client = await RawClient.connect(socket);
    await client.send(`CONNECT localhost:${echo.port} HTTP/1.1\r\n\r\n`);
    const tunnel = await client.readResponse("CONNECT");
    client.close();
    assert.equal(tunnel.status, 403);
    assert.match(header(tunnel, "x-bot-bottle-reason") ?? "", /resolves to a private address/);
    assert.equal(origin.requests.length, 0);
    await waitForAudit(auditLines, 2);
    for (const line of auditLines()) {
      assert.equal(line.verdict, "deny");
      assert.equal(line.rule, "localhost");
      assert.equal(line.test_resolve, undefined);
    }
  });
});

Deno.test("proxy: IP spellings of loopback are denied, not dialled", async () => {
  await withProxy(async ({ socket, origin }) => {
    for (const host of ["127.0.0.1", "2130706433", "0x7f.1", "[::1]", "[::ffff:127.0.0.1]"]) {
      const response = await proxyRequest(socket, get(`http://${host}:${origin.port}/hello`));
      assert.equal(response.status, 403, host);
    }
    assert.equal(origin.requests.length, 0);
  });
});

Deno.test("proxy: upstream connect failure is a 502 with the reason", async () => {
  await withProxy(async ({ socket, auditLines }) => {
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (closed.addr as Deno.NetAddr).port;
    closed.close();
    const plain = await proxyRequest(socket, get(`http://down.test:${port}/`));
    assert.equal(plain.status, 502);
    assert.match(header(plain, "x-bot-bottle-reason") ?? "", /cannot connect to 127\.0\.0\.1/);
    const client = await RawClient.connect(socket);
    await client.send(`CONNECT down.test:${port} HTTP/1.1\r\n\r\n`);
    assert.equal((await client.readResponse("CONNECT")).status, 502);
    client.close();
    await waitForAudit(auditLines, 2);
    assert.deepEqual(auditLines().map((l) => [l.verdict, l.status]), [["allow", 502], [
      "allow",
      502,
    ]]);
  });
});

Deno.test("proxy: malformed, https-absolute, origin-form and oversized requests", async () => {
  await withProxy(async ({ socket }) => {
    assert.equal((await proxyRequest(socket, "GARBAGE\r\n\r\n")).status, 400);
    const https = await proxyRequest(socket, get("https://allowed.test/"));
    assert.equal(https.status, 400);
    assert.match(header(https, "x-bot-bottle-reason") ?? "", /CONNECT/);
    const originForm = await proxyRequest(socket, get("/path"));
    assert.equal(originForm.status, 400);
    assert.match(header(originForm, "x-bot-bottle-reason") ?? "", /absolute URL/);
    const smuggle = await proxyRequest(
      socket,
      "POST http://allowed.test/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    assert.equal(smuggle.status, 400);
    const huge = await proxyRequest(
      socket,
      `GET http://a.test/ HTTP/1.1\r\nX: ${"a".repeat(70_000)}\r\n\r\n`,
    );
    assert.equal(huge.status, 431);
    const badConnect = await proxyRequest(
      socket,
      "CONNECT allowed.test HTTP/1.1\r\n\r\n",
      "CONNECT",
    );
    assert.equal(badConnect.status, 400);
  });
});

Deno.test("proxy: a new policy applies to new requests; an open tunnel stays up", async () => {
  await withProxy(async ({ socket, echo, proxy }) => {
    const tunnel = await RawClient.connect(socket);
    try {
      await tunnel.send(`CONNECT allowed.test:${echo.port} HTTP/1.1\r\n\r\n`);
      assert.equal((await tunnel.readResponse("CONNECT")).status, 200);
      proxy.setPolicy(compilePolicy(policy(["other.test"])));
      const denied = await proxyRequest(
        socket,
        `CONNECT allowed.test:${echo.port} HTTP/1.1\r\n\r\n`,
        "CONNECT",
      );
      assert.equal(denied.status, 403);
      await tunnel.send("still-up");
      assert.equal(await tunnel.readExactly(8), "still-up");
    } finally {
      tunnel.close();
    }
  });
});
