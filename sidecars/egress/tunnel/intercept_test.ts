import assert from "node:assert/strict";
import { content, curl, header, RawClient, tunnelClient } from "../testing/mod.ts";
import {
  auditSettles,
  bearer,
  fetchVia,
  PLACEHOLDER,
  REAL,
  requestLines,
  tunnel,
  withIntercept,
  writeStandInCa,
} from "../testing/intercept_fixture.ts";

Deno.test("intercept: curl GET and POST on one kept-alive tunnel, leaf from the bottle CA", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([
      ...fx.curlArgs(),
      "-w",
      "|%{http_code}|%{ssl_verify_result}|%{num_connects}\n",
      fx.url("api.test", "/hello"),
      "--next",
      ...fx.curlArgs(),
      "-w",
      "|%{http_code}|%{num_connects}\n",
      "--data-binary",
      "posted body",
      fx.url("api.test", "/echo"),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "hello|200|0|1\nposted body|200|0\n");
    assert.deepEqual(fx.standIn.requests.map((r) => [r.method, r.path, r.body]), [
      ["GET", "/hello", ""],
      ["POST", "/echo", "posted body"],
    ]);
    const lines = await auditSettles(fx, 3);
    const connect = lines.find((l) => l.method === "CONNECT")!;
    assert.equal(connect.intercepted, true);
    assert.match(connect.reason, /intercepted, 2 requests/);
    const requests = requestLines(fx);
    assert.deepEqual(requests.map((l) => [l.method, l.path, l.status, l.intercepted]), [
      ["GET", "/hello", 200, true],
      ["POST", "/echo", 200, true],
    ]);
    assert.equal(requests[0].injected, "api.test");
  });
});

Deno.test("intercept: keep-alive, chunked upload and pipelining from a raw TLS client", async () => {
  await withIntercept(async (fx) => {
    const client = await tunnel(fx);
    try {
      for (let i = 0; i < 3; i++) {
        await client.send(
          `GET /hello?i=${i} HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n\r\n`,
        );
        const response = await client.readResponse();
        assert.equal(response.status, 200);
        assert.equal(content(response), "hello");
        assert.equal(header(response, "connection"), "keep-alive");
      }
      await client.send(
        `POST /echo HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n` +
          `Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`,
      );
      const echoed = await client.readResponse();
      assert.equal(content(echoed), "hello world");
    } finally {
      client.close();
    }
    assert.equal(fx.standIn.requests.length, 4);
  });
});

Deno.test("intercept: passthrough routes are tunnelled untouched (the client sees the origin's cert)", async () => {
  await withIntercept(async (fx) => {
    const standInCa = writeStandInCa(fx);
    const direct = await curl([
      "--proxy",
      `http://127.0.0.1:${fx.door.port}`,
      "--cacert",
      standInCa,
      fx.url("raw.test", "/hello"),
    ]);
    assert.equal(direct.stdout, "hello", direct.stderr);
    const bottleCa = await curl([...fx.curlArgs(), fx.url("raw.test", "/hello")]);
    assert.notEqual(bottleCa.code, 0);
    const lines = await auditSettles(fx, 2);
    assert.ok(lines.every((l) => l.method === "CONNECT" && l.intercepted === false));
  });
});

Deno.test("intercept: an upstream certificate nobody vouches for is a 502 with the reason", async () => {
  await withIntercept(async (fx) => {
    const result = await fetchVia(fx, [fx.url("untrusted.test", "/hello")]);
    assert.equal(result.status, 502);
    assert.match(
      result.head,
      /X-Bot-Bottle-Reason: TLS with upstream "untrusted\.test" failed: .*(UnknownIssuer|unknown issuer)/i,
    );
    const [line] = requestLines(fx);
    assert.equal(line.status, 502);
    assert.equal(line.intercepted, true);
  });
});

Deno.test("intercept: route.upstream sends matching requests to the operator's origin", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([
      ...fx.curlArgs(),
      "-H",
      `Authorization: Bearer ${PLACEHOLDER}`,
      fx.url("gw.test", "/v1/hello"),
    ]);
    assert.equal(result.stdout, "hello", result.stderr);
    const seen = fx.standIn.requests[0];
    assert.equal(seen.path, "/v1/hello");
    assert.equal(seen.headers.authorization, `Bearer ${REAL}`);
    assert.equal(seen.headers.host, `127.0.0.1:${fx.standIn.port}`);
    // Outside the prefix, the request goes to gw.test itself (here: refused, no CA for it).
    const outside = await fetchVia(fx, [fx.url("gw.test", "/other")]);
    assert.equal(outside.status, 502);
  }, {
    routes: (standIn) => [{
      host: "gw.test",
      path_prefix: "/v1/",
      passthrough: false,
      upstream: `https://127.0.0.1:${standIn.port}`,
      upstream_ca_pem: standIn.caPem,
    }],
    secrets: [bearer("gw.test", { path_prefix: "/v1/" })],
  });
});

Deno.test("intercept: inside a tunnel, the Host must be the CONNECT host", async () => {
  await withIntercept(async (fx) => {
    const client = await tunnel(fx);
    try {
      await client.send(`GET /hello HTTP/1.1\r\nHost: evil.example\r\n\r\n`);
      const response = await client.readResponse();
      assert.equal(response.status, 403);
      assert.match(
        header(response, "x-bot-bottle-reason") ?? "",
        /does not name the tunnel's host/,
      );
    } finally {
      client.close();
    }
    const [line] = await auditSettles(fx, 1);
    assert.equal(line.rule, "host-mismatch");
  });
});

Deno.test("intercept: non-TLS and non-HTTP traffic in a tunnel is closed and audited", async () => {
  await withIntercept(async (fx) => {
    const tcp = await Deno.connect({ hostname: "127.0.0.1", port: fx.door.port });
    const ssh = RawClient.over(tcp);
    await ssh.send(`CONNECT api.test:${fx.standIn.port} HTTP/1.1\r\n\r\nSSH-2.0-OpenSSH_9.0\r\n`);
    assert.equal((await ssh.readResponse("CONNECT")).status, 200);
    assert.ok(await ssh.closedByPeer());
    ssh.close();

    const client = await tunnel(fx);
    await client.send("\x00\x01binary garbage\r\n\r\n");
    const response = await client.readResponse();
    assert.equal(response.status, 400);
    assert.ok(await client.closedByPeer());
    client.close();

    const lines = await auditSettles(fx, 2);
    const notTls = lines.find((l) => l.rule === "not-tls")!;
    assert.match(notTls.reason, /an SSH greeting.*passthrough: true/);
    assert.equal(notTls.intercepted, true);
    const notHttp = lines.find((l) => l.rule === "not-http")!;
    assert.match(notHttp.reason, /other than HTTP\/1\.x inside the TLS tunnel/);
  });
});

Deno.test("intercept: a client that does not trust the bottle CA fails the handshake (audited)", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([
      "--proxy",
      `http://127.0.0.1:${fx.door.port}`,
      fx.url("api.test", "/hello"),
    ]);
    assert.notEqual(result.code, 0);
    const lines = await auditSettles(fx, 1);
    assert.equal(lines[0].rule, "not-tls");
    assert.match(lines[0].reason, /TLS handshake with the client failed/);
  });
});

Deno.test("intercept: SNI that differs from the CONNECT host still gets the CONNECT host's leaf", async () => {
  await withIntercept(async (fx) => {
    await assert.rejects(
      tunnelClient(fx.door, `api.test:${fx.standIn.port}`, fx.ca.certPem, "other.test"),
    );
    const client = await tunnelClient(fx.door, `api.test:${fx.standIn.port}`, fx.ca.certPem);
    client.close();
  });
});

Deno.test("intercept: a host that resolves to a private address is refused at CONNECT", async () => {
  await withIntercept(async (fx) => {
    const result = await fetchVia(fx, [`https://localhost:${fx.standIn.port}/hello`]);
    assert.equal(result.status, 403);
    assert.match(result.head, /resolves to a private address/);
    assert.match(result.stderr, /CONNECT tunnel failed, response 403/);
  });
});
