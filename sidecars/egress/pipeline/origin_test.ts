import assert from "node:assert/strict";
import { latin1, latin1Bytes } from "../../../lib/bytes.ts";
import type { ProxyContext } from "./context.ts";
import type { Decision } from "../policy/decide.ts";
import { dialOrigin, ExchangeError } from "./origin.ts";
import type { RoutePlan } from "./route_plan.ts";
import { startEchoServer } from "../testing/mod.ts";
import { dnsResolver, type Lookup } from "../upstream/resolve.ts";

const byName: Decision = {
  verdict: "allow",
  rule: "pinned.test",
  reason: "ok",
  ipLiteralRule: false,
};

function context(lookup: Lookup): ProxyContext {
  return {
    config: () => {
      throw new Error("not used");
    },
    tls: null,
    audit: { record: () => {} },
    resolver: dnsResolver(lookup),
    timeouts: { connectMs: 5000, firstHeadMs: 5000, idleMs: 5000 },
    grantedTunnels: { watch: () => () => {} },
    log: () => {},
  };
}

function plainPlan(host: string, port: number): RoutePlan {
  return {
    route: null,
    secret: null,
    origin: { scheme: "http", host, port },
    override: false,
    caPem: null,
    headers: [],
    agentHeaders: [],
    warnings: [],
    redact: false,
    checkBody: false,
    conversation: false,
  };
}

Deno.test("dialOrigin: the tunnel's pinned addresses are dialled without a new lookup", async () => {
  const echo = startEchoServer();
  let lookups = 0;
  const ctx = context(() => {
    lookups++;
    return Promise.resolve(["127.0.0.2"]);
  });
  try {
    const pinned = { addresses: ["127.0.0.1"], nameOverride: true };
    const upstream = await dialOrigin(ctx, plainPlan("pinned.test", echo.port), byName, pinned);
    try {
      await upstream.stream.write(latin1Bytes("ping"));
      assert.equal(latin1((await upstream.reader.read()) ?? new Uint8Array()), "ping");
    } finally {
      upstream.stream.close();
    }
    assert.equal(lookups, 0);
    assert.equal(upstream.nameOverride, true);
  } finally {
    await echo.close();
  }
});

Deno.test("dialOrigin: pinned addresses are checked again, never dialled when private", async () => {
  const echo = startEchoServer();
  const ctx = context(() => Promise.reject(new Error("DNS must not be used")));
  try {
    const pinned = { addresses: ["127.0.0.1"], nameOverride: false };
    await assert.rejects(
      dialOrigin(ctx, plainPlan("pinned.test", echo.port), byName, pinned),
      (error: unknown) =>
        error instanceof ExchangeError && error.status === 403 &&
        /resolves to a private address/.test(error.message),
    );
    assert.equal(echo.connections(), 0);
  } finally {
    await echo.close();
  }
});
