import assert from "node:assert/strict";
import { compilePolicy } from "./policy/decide.ts";
import { header, proxyRequest, RawClient, serveLoopback, withTimeout } from "./testing/mod.ts";
import { startProxy } from "./proxy.ts";
import { sleep } from "../../lib/wait.ts";
import {
  get,
  leaveDeadSocket,
  policy,
  readUntil,
  waitForAudit,
  withProxy,
} from "./testing/proxy_fixture.ts";

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
        await sleep(50);
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
