/**
 * A bottle secret sent in pieces, one request each, through the real proxy and the real DLP
 * engine, on both transports (plain HTTP proxy requests and CONNECT + TLS): the first piece
 * goes, the continuation is refused before any byte of it reaches the origin, and the agent
 * and the audit log are told which rule matched where, never the secret.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createDlpEngine } from "../dlp/mod.ts";
import {
  bearer,
  defaultRoutes,
  type InterceptFixture,
  requestLines,
  withIntercept,
} from "../testing/intercept_fixture.ts";
import {
  curl,
  header,
  RawClient,
  type RawOrigin,
  type RawResponse,
  startRawOrigin,
  tunnelClient,
} from "../testing/mod.ts";

const SECRET = "sk-real-Xq7Lm2Vb9Rt4Wz1Kc8Np3Hs6Jd5Gf0YaUe";
const FIRST = SECRET.slice(0, 8 + 17);
const SECOND = SECRET.slice(8 + 17);

interface Origins {
  plain: RawOrigin;
  tls: RawOrigin;
}

async function withOrigins(
  fn: (fx: InterceptFixture, origins: Origins) => Promise<void>,
): Promise<void> {
  const origins = {
    plain: await startRawOrigin(false),
    tls: await startRawOrigin(true, ["gw.test"]),
  };
  try {
    await withIntercept((fx) => fn(fx, origins), {
      secrets: [bearer("api.test", { value: SECRET })],
      dlp: createDlpEngine,
      routes: (standIn) => [
        ...defaultRoutes(standIn),
        { host: "gw.test", passthrough: false, upstream_ca_pem: origins.tls.caPem! },
      ],
    });
  } finally {
    await origins.plain.close();
    await origins.tls.close();
  }
}

function request(method: string, target: string, host: string, body = ""): string {
  return `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${body.length}\r\n\r\n` +
    body;
}

function assertRefused(response: RawResponse, place: string, scope: RegExp): void {
  assert.equal(response.status, 403, response.body);
  const reason = header(response, "x-bot-bottle-reason") ?? "";
  assert.match(reason, new RegExp(`^rule "bottle-secret-split:api\\.test" matched ${place}`));
  assert.match(reason, scope);
  assert.match(response.body, /bottle-secret-split:api\.test/);
  for (const piece of [FIRST, SECOND, btoa(SECOND).slice(0, 12)]) {
    assert.ok(!response.body.includes(piece) && !reason.includes(piece), reason);
  }
}

function assertNeverReached(origin: RawOrigin, ...pieces: string[]): void {
  const received = origin.received();
  for (const piece of pieces) assert.ok(!received.includes(piece), `the origin got ${piece}`);
}

function assertAudited(fx: InterceptFixture, count: number): void {
  const lines = requestLines(fx).filter((l) => l.rule === "bottle-secret-split:api.test");
  assert.equal(lines.length, count);
  assert.ok(lines.every((l) => l.verdict === "deny" && l.status === 403), JSON.stringify(lines));
  assert.match(lines[0].reason, /^rule "bottle-secret-split:api\.test" matched /);
  const audit = JSON.stringify(fx.audit());
  for (const piece of [SECRET, FIRST, SECOND]) assert.ok(!audit.includes(piece));
}

Deno.test("split, plain HTTP: the second half in the next URL on the connection is refused", async () => {
  await withOrigins(async (fx, { plain }) => {
    const client = await RawClient.connect(fx.socket);
    const host = `other.test:${plain.port}`;
    try {
      await client.send(request("GET", `http://${host}/search?q=${FIRST}`, host));
      assert.equal((await client.readResponse()).status, 200);
      await client.send(request("GET", `http://${host}/search?q=${FIRST}&page=2`, host));
      assert.equal((await client.readResponse()).status, 200, "the same piece again goes");
      await client.send(request("GET", `http://${host}/search?q=${SECOND}`, host));
      assertRefused(await client.readResponse(), "the URL", /earlier on this connection/);
    } finally {
      client.close();
    }
    assertNeverReached(plain, SECOND);
    assert.equal(plain.answered(), 2);
    assertAudited(fx, 1);
    assert.equal(
      requestLines(fx).find((l) => l.rule?.startsWith("bottle-secret-split"))?.path,
      "[withheld: flagged by DLP]",
    );
  });
});

Deno.test("split, CONNECT+TLS: a base64 continuation in the next body never reaches the origin", async () => {
  await withOrigins(async (fx, { tls }) => {
    const client = await tunnelClient(fx.door, `gw.test:${tls.port}`, fx.ca.certPem);
    const host = `gw.test:${tls.port}`;
    const second = Buffer.from(`tail=${SECOND}`).toString("base64");
    try {
      await client.send(request("POST", "/a", host, JSON.stringify({ q: FIRST })));
      assert.equal((await client.readResponse("POST")).status, 200);
      await client.send(request("POST", "/b", host, JSON.stringify({ data: second })));
      assertRefused(await client.readResponse("POST"), "the request body", /earlier on this/);
    } finally {
      client.close();
    }
    assertNeverReached(tls, SECOND, second.slice(4, 30));
    assert.equal(tls.answered(), 1);
    assertAudited(fx, 1);
  });
});

Deno.test("split: the bottle remembers a piece across connections and transports", async () => {
  await withOrigins(async (fx, { plain, tls }) => {
    const first = await curl([
      ...fx.curlArgs(),
      "-H",
      `X-Trace: ${FIRST}`,
      `https://gw.test:${tls.port}/one`,
    ]);
    assert.equal(first.stdout, "ok", first.stderr);
    const hex = Buffer.from(SECOND).toString("hex");
    const client = await RawClient.connect(fx.socket);
    const host = `other.test:${plain.port}`;
    try {
      await client.send(request("GET", `http://${host}/two?t=${hex}`, host));
      assertRefused(
        await client.readResponse(),
        "the URL",
        /\(hex\), after another part of it was seen in this bottle within the last hour/,
      );
    } finally {
      client.close();
    }
    assertNeverReached(plain, hex);
    assertAudited(fx, 1);
  });
});

Deno.test("split: more than half of the secret in one piece is refused on first sight", async () => {
  await withOrigins(async (fx, { tls }) => {
    const most = SECRET.slice(0, 8 + 20);
    const client = await tunnelClient(fx.door, `gw.test:${tls.port}`, fx.ca.certPem);
    try {
      await client.send(request("POST", "/up", `gw.test:${tls.port}`, `{"k":"${most}"}`));
      assertRefused(await client.readResponse("POST"), "the request body", /more than half/);
    } finally {
      client.close();
    }
    assertNeverReached(tls, most.slice(8));
    assertAudited(fx, 1);
  });
});
