/**
 * CONNECT to an allowed name whose addresses are refused: the refusal is the first and only
 * answer (never a `200 Connection Established` first), intercepted or passthrough.
 */
import assert from "node:assert/strict";
import type { AuditEntry } from "../audit/log.ts";
import {
  auditSettles,
  defaultRoutes,
  fetchVia,
  type InterceptFixture,
  type InterceptOptions,
  withIntercept,
} from "../testing/intercept_fixture.ts";
import { header, proxyRequest, RawClient } from "../testing/mod.ts";
import { type Lookup, systemLookup } from "../upstream/resolve.ts";

/**
 * DNS as the tests see it: `internal.test` answers 127.0.0.1 (as from /etc/hosts),
 * `nxdomain.test` does not exist, anything else (`localhost`) asks the system resolver.
 */
const hostsFile: Lookup = (host) => {
  if (host === "internal.test") return Promise.resolve(["127.0.0.1"]);
  if (host === "public.test") return Promise.resolve(["192.0.2.10"]);
  if (host === "nxdomain.test") return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${host}`));
  return systemLookup(host);
};

const OPTIONS: InterceptOptions = {
  allow: ["internal.test", "nxdomain.test", "public.test"],
  lookup: hostsFile,
};

/** Everything the proxy sends for a CONNECT, until it closes the connection (or a 200). */
async function rawConnect(fx: InterceptFixture, target: string): Promise<string> {
  const client = await RawClient.connect(fx.socket);
  try {
    await client.send(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    let text = "";
    for (let chunk = await client.read(); chunk !== null; chunk = await client.read()) {
      text += chunk;
      // The tunnel opened: no need to wait for what follows, the test fails on this.
      if (/^HTTP\/1\.[01] 200 [^\r\n]*\r\n/.test(text)) break;
    }
    return text;
  } finally {
    client.close();
  }
}

function assertRefused(raw: string, status: number, reason: RegExp): void {
  assert.doesNotMatch(raw, /^HTTP\/1\.[01] 200/m, "a 200 was sent");
  const statusLine = raw.slice(0, raw.indexOf("\r\n"));
  assert.match(statusLine, new RegExp(`^HTTP/1\\.1 ${status} `));
  assert.match(raw, /\r\nX-Bot-Bottle-Reason: [^\r\n]+\r\n/i);
  assert.match(raw, reason);
}

async function connectLine(fx: InterceptFixture): Promise<AuditEntry> {
  const lines = await auditSettles(fx, 1);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].method, "CONNECT");
  return lines[0];
}

for (const host of ["localhost", "internal.test"]) {
  Deno.test(`connect: intercepted ${host} resolving to loopback is a 403, never a 200`, async () => {
    await withIntercept(async (fx) => {
      const raw = await rawConnect(fx, `${host}:${fx.standIn.port}`);
      assertRefused(raw, 403, /resolves to a private address \((127\.0\.0\.1|::1): loopback/);
      const line = await connectLine(fx);
      assert.equal(line.verdict, "deny");
      assert.equal(line.status, 403);
      assert.equal(line.rule, host);
      assert.equal(line.intercepted, true);
      assert.match(line.reason, /resolves to a private address/);
      assert.equal(fx.standIn.requests.length, 0);
    }, OPTIONS);
  });
}

Deno.test("connect: passthrough to a name resolving to loopback is a 403, never a 200", async () => {
  await withIntercept(async (fx) => {
    for (const host of ["localhost", "internal.test"]) {
      const raw = await rawConnect(fx, `${host}:${fx.standIn.port}`);
      assertRefused(raw, 403, /resolves to a private address/);
    }
    const lines = await auditSettles(fx, 2);
    for (const line of lines) {
      assert.equal(line.verdict, "deny");
      assert.equal(line.status, 403);
      assert.equal(line.intercepted, false);
      assert.match(line.reason, /resolves to a private address/);
    }
    assert.equal(fx.standIn.requests.length, 0);
  }, {
    ...OPTIONS,
    routes: (standIn) => [
      ...defaultRoutes(standIn),
      { host: "localhost", passthrough: true },
      { host: "internal.test", passthrough: true },
    ],
  });
});

Deno.test("connect: a name that does not resolve is a 502 before any 200", async () => {
  await withIntercept(async (fx) => {
    const raw = await rawConnect(fx, `nxdomain.test:${fx.standIn.port}`);
    assertRefused(raw, 502, /DNS lookup of "nxdomain\.test" failed: getaddrinfo ENOTFOUND/);
    const line = await connectLine(fx);
    assert.equal(line.status, 502);
    assert.equal(line.rule, "nxdomain.test");
    assert.match(line.reason, /DNS lookup of "nxdomain\.test" failed/);
  }, OPTIONS);
});

Deno.test("connect: plain HTTP to a name resolving to loopback is a 403", async () => {
  await withIntercept(async (fx) => {
    const response = await proxyRequest(
      fx.socket,
      `GET http://internal.test:${fx.standIn.port}/hello HTTP/1.1\r\nHost: internal.test\r\n\r\n`,
    );
    assert.equal(response.status, 403);
    assert.match(header(response, "x-bot-bottle-reason") ?? "", /resolves to a private address/);
    const [line] = await auditSettles(fx, 1);
    assert.equal(line.verdict, "deny");
    assert.equal(line.rule, "internal.test");
    assert.equal(fx.standIn.requests.length, 0);
  }, OPTIONS);
});

Deno.test("connect: an intercepted name is looked up once, before the 200", async () => {
  let lookups = 0;
  const counting: Lookup = (host) => {
    lookups++;
    return hostsFile(host);
  };
  await withIntercept(async (fx) => {
    const client = await RawClient.connect(fx.socket);
    try {
      // Nothing is sent inside the tunnel, so nothing is dialled (192.0.2.10 is never reached).
      await client.send(`CONNECT public.test:443 HTTP/1.1\r\n\r\n`);
      assert.equal((await client.readResponse("CONNECT")).status, 200);
      assert.equal(lookups, 1);
    } finally {
      client.close();
    }
    await auditSettles(fx, 1);
    assert.equal(lookups, 1);
  }, { ...OPTIONS, lookup: counting });
});

Deno.test("connect: the test mapping still reaches a loopback stand-in", async () => {
  await withIntercept(async (fx) => {
    const client = await RawClient.connect(fx.socket);
    try {
      await client.send(`CONNECT api.test:${fx.standIn.port} HTTP/1.1\r\n\r\n`);
      assert.equal((await client.readResponse("CONNECT")).status, 200);
    } finally {
      client.close();
    }
  }, OPTIONS);
});

Deno.test("connect: a host with an operator upstream route is not looked up at CONNECT", async () => {
  await withIntercept(async (fx) => {
    const result = await fetchVia(fx, [fx.url("corp.test", "/v1/hello")]);
    assert.equal(result.status, 200, result.stderr);
    assert.equal(result.body, "hello");
    // Outside the route, the request would go to corp.test itself: refused then, per request.
    const outside = await fetchVia(fx, [fx.url("corp.test", "/other")]);
    assert.equal(outside.status, 502);
    assert.match(outside.head, /DNS lookup of "corp\.test" failed/);
  }, {
    allow: ["corp.test"],
    lookup: () => Promise.reject(new Error("split DNS: not resolvable here")),
    routes: (standIn) => [{
      host: "corp.test",
      path_prefix: "/v1/",
      passthrough: false,
      upstream: `https://127.0.0.1:${standIn.port}`,
      upstream_ca_pem: standIn.caPem,
    }],
    secrets: [],
  });
});
