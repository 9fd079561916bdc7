import assert from "node:assert/strict";
import { type AuditEntry, FileAudit } from "./audit.ts";
import { compilePolicy } from "./decide.ts";
import { serveLoopback } from "./test_listener.ts";
import type { EgressPolicy } from "./policy.ts";
import { type EgressProxy, startProxy } from "./proxy.ts";
import {
  type EchoServer,
  eventually,
  header,
  type Origin,
  proxyRequest,
  RawClient,
  startEchoServer,
  startOrigin,
  withTimeout,
} from "./test_support.ts";

interface Fixture {
  socket: string;
  origin: Origin;
  echo: EchoServer;
  proxy: EgressProxy;
  dir: string;
  auditLines(): AuditEntry[];
  auditText(): string;
}

function policy(allow: string[], deny: string[] = []): EgressPolicy {
  return { version: 1, bottle: "dev", allow, deny, routes: [] };
}

const DEFAULT_ALLOW = ["allowed.test", "localhost", "down.test", "*.wild.test"];

async function withProxy(
  fn: (fx: Fixture) => Promise<void>,
  rules: EgressPolicy = policy(DEFAULT_ALLOW, ["blocked.wild.test"]),
): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "egress-test-" });
  const socket = `${dir}/egress.sock`;
  const logDir = `${dir}/log`;
  const audit = new FileAudit(logDir, (m) => console.error(m));
  const origin = await startOrigin();
  const echo = startEchoServer();
  const proxy = await startProxy({
    socketPath: socket,
    policy: compilePolicy(rules),
    audit,
    testResolve: new Map([
      ["allowed.test", "127.0.0.1"],
      ["down.test", "127.0.0.1"],
      ["a.wild.test", "127.0.0.1"],
      ["blocked.wild.test", "127.0.0.1"],
    ]),
    log: () => {},
  });
  const auditText = (): string => {
    try {
      return Deno.readTextFileSync(`${logDir}/egress.jsonl`);
    } catch {
      return "";
    }
  };
  try {
    await fn({
      socket,
      origin,
      echo,
      proxy,
      dir,
      auditText,
      auditLines: () =>
        auditText().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as AuditEntry),
    });
  } finally {
    await proxy.close();
    audit.close();
    await origin.close();
    await echo.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

function get(url: string, extra = ""): string {
  return `GET ${url} HTTP/1.1\r\nHost: ignored.example\r\n${extra}\r\n`;
}

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

Deno.test("proxy: keep-alive carries several requests, bodies and chunked responses", async () => {
  await withProxy(async ({ socket, origin, auditLines }) => {
    const client = await RawClient.connect(socket);
    try {
      const base = `http://allowed.test:${origin.port}`;
      await client.send(get(`${base}/hello`));
      const first = await client.readResponse();
      assert.equal(first.body, "hello");
      assert.equal(header(first, "connection"), "keep-alive");
      await client.send(
        `POST ${base}/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\npayload`,
      );
      assert.equal((await client.readResponse("POST")).body, "payload");
      await client.send(
        `POST ${base}/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n` +
          "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
      );
      assert.equal((await client.readResponse("POST")).body, "abcde");
      await client.send(get(`${base}/chunked`));
      const chunked = await client.readResponse();
      // Relayed byte for byte: still chunk-coded.
      assert.match(chunked.body, /^[0-9a-f]+\r\none,[\s\S]*three\r\n0\r\n\r\n$/);
      assert.equal(header(chunked, "transfer-encoding"), "chunked");
      await client.send(`HEAD ${base}/hello HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.equal((await client.readResponse("HEAD")).status, 200);
      await client.send(get(`${base}/hello`, "Connection: close\r\n"));
      const last = await client.readResponse();
      assert.equal(header(last, "connection"), "close");
      assert.ok(await client.closedByPeer());
    } finally {
      client.close();
    }
    assert.equal(origin.requests.length, 6);
    await waitForAudit(auditLines, 6);
  });
});

Deno.test("proxy: pipelined requests are answered in order", async () => {
  await withProxy(async ({ socket, origin }) => {
    const client = await RawClient.connect(socket);
    try {
      const base = `http://allowed.test:${origin.port}`;
      await client.send(
        get(`${base}/hello`) +
          `POST ${base}/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi`,
      );
      assert.equal((await client.readResponse()).body, "hello");
      assert.equal((await client.readResponse("POST")).body, "hi");
    } finally {
      client.close();
    }
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

Deno.test("proxy: a kept-alive connection is re-decided on every request", async () => {
  await withProxy(async ({ socket, origin, proxy }) => {
    const client = await RawClient.connect(socket);
    try {
      await client.send(get(`http://allowed.test:${origin.port}/hello`));
      assert.equal((await client.readResponse()).status, 200);
      proxy.setPolicy(compilePolicy(policy([])));
      await client.send(get(`http://allowed.test:${origin.port}/hello`));
      assert.equal((await client.readResponse()).status, 403);
    } finally {
      client.close();
    }
  });
});

Deno.test("proxy: close() drops connections and removes the socket", async () => {
  const dir = Deno.makeTempDirSync();
  const socket = `${dir}/e.sock`;
  const proxy = await startProxy({
    socketPath: socket,
    policy: compilePolicy(policy([])),
    audit: { record: () => {} },
    log: () => {},
  });
  const idle = await RawClient.connect(socket);
  await withTimeout(proxy.close(), "proxy close");
  assert.ok(await idle.closedByPeer());
  idle.close();
  assert.throws(() => Deno.lstatSync(socket), Deno.errors.NotFound);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("proxy: a stale socket file is replaced, a live one is refused", async () => {
  const dir = Deno.makeTempDirSync();
  const socket = `${dir}/e.sock`;
  await leaveDeadSocket(socket);
  Deno.writeFileSync(`${dir}/plain`, new Uint8Array());
  const options = {
    socketPath: socket,
    policy: compilePolicy(policy([])),
    audit: { record: (): void => {} },
    log: (): void => {},
  };
  const proxy = await startProxy(options);
  await assert.rejects(startProxy(options), /already listening/);
  await assert.rejects(startProxy({ ...options, socketPath: `${dir}/plain` }), /not a socket/);
  await proxy.close();
  Deno.removeSync(dir, { recursive: true });
});

/** A socket file whose listener died without removing it (as after kill -9). */
async function leaveDeadSocket(path: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `Deno.listen({ transport: "unix", path: ${
        JSON.stringify(path)
      } }); setTimeout(() => {}, 60000);`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await eventually(() => {
    try {
      return Deno.lstatSync(path).isSocket === true;
    } catch {
      return false;
    }
  }, "dead socket listener");
  child.kill("SIGKILL");
  await child.status;
  assert.ok(Deno.lstatSync(path).isSocket);
}

async function waitForAudit(lines: () => AuditEntry[], count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (lines().length < count) {
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} audit lines, got ${lines().length}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(lines().length, count);
}

/** A TCP origin on 127.0.0.1 whose every connection is handled by `handle` (raw bytes). */
async function readUntil(conn: Deno.Conn, marker: string): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  for (let i = 0; i < 100 && !text.includes(marker); i++) {
    const n = await conn.read(buffer);
    if (n === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  return text;
}

Deno.test("proxy: a kept-alive upstream that closed meanwhile is retried once", async () => {
  // Answers one request per connection while promising keep-alive, then hangs up.
  const origin = serveLoopback(async (conn) => {
    await readUntil(conn, "\r\n\r\n");
    await conn.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  });
  try {
    await withProxy(async ({ socket }) => {
      const client = await RawClient.connect(socket);
      try {
        await client.send(get(`http://allowed.test:${origin.port}/a`));
        assert.equal((await client.readResponse()).body, "ok");
        await new Promise((resolve) => setTimeout(resolve, 50));
        await client.send(get(`http://allowed.test:${origin.port}/b`));
        assert.equal((await client.readResponse()).body, "ok");
      } finally {
        client.close();
      }
      assert.equal(origin.connections(), 2);
    });
  } finally {
    await origin.close();
  }
});

Deno.test("proxy: Expect: 100-continue interim responses are relayed", async () => {
  const origin = serveLoopback(async (conn) => {
    await readUntil(conn, "\r\n\r\n");
    await conn.write(new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n"));
    const body = await readUntil(conn, "body");
    const reply = body.includes("body") ? "got" : "bad";
    await conn.write(
      new TextEncoder().encode(`HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n${reply}`),
    );
  });
  try {
    await withProxy(async ({ socket }) => {
      const client = await RawClient.connect(socket);
      try {
        await client.send(
          `POST http://allowed.test:${origin.port}/ HTTP/1.1\r\nContent-Length: 4\r\n` +
            "Expect: 100-continue\r\n\r\n",
        );
        assert.equal((await client.readResponse("POST")).status, 100);
        await client.send("body");
        const final = await client.readResponse("POST");
        assert.equal(final.status, 200);
        assert.equal(final.body, "got");
      } finally {
        client.close();
      }
    });
  } finally {
    await origin.close();
  }
});

Deno.test("proxy: a malformed chunked request body is a 400", async () => {
  await withProxy(async ({ socket, origin }) => {
    const response = await proxyRequest(
      socket,
      `POST http://allowed.test:${origin.port}/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n` +
        "zz\r\n",
    );
    assert.equal(response.status, 400);
    assert.match(header(response, "x-bot-bottle-reason") ?? "", /malformed request body/);
  });
});
