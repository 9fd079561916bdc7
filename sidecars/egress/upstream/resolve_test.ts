import assert from "node:assert/strict";
import type { Decision } from "../policy/decide.ts";
import { connectUpstream, type Lookup, resolveUpstream } from "./resolve.ts";

const byName: Decision = { verdict: "allow", rule: "x.test", reason: "ok", ipLiteralRule: false };
const byIp: Decision = { verdict: "allow", rule: "10.0.0.5", reason: "ok", ipLiteralRule: true };
const fixed = (addresses: string[]): Lookup => () => Promise.resolve(addresses);

Deno.test("resolveUpstream: public addresses pass, private ones are filtered out", async () => {
  const mixed = await resolveUpstream(
    "x.test",
    byName,
    new Map(),
    fixed(["10.0.0.1", "93.184.216.34"]),
  );
  assert.deepEqual(mixed, { ok: true, addresses: ["93.184.216.34"], testResolve: false });
});

Deno.test("resolveUpstream: only private addresses → 403 naming the range", async () => {
  for (
    const address of ["127.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "fd00::1", "100.64.1.1"]
  ) {
    const result = await resolveUpstream("x.test", byName, new Map(), fixed([address]));
    assert.equal(result.ok, false, address);
    if (!result.ok) {
      assert.equal(result.status, 403);
      assert.match(result.reason, /resolves to a private address/);
    }
  }
});

Deno.test("resolveUpstream: an exact IP rule may reach a private address", async () => {
  const result = await resolveUpstream("10.0.0.5", byIp, new Map(), fixed([]));
  assert.deepEqual(result, { ok: true, addresses: ["10.0.0.5"], testResolve: false });
  const v6 = await resolveUpstream("[fd00::1]", { ...byIp, rule: "[fd00::1]" }, new Map());
  assert.deepEqual(v6, { ok: true, addresses: ["fd00::1"], testResolve: false });
});

Deno.test("resolveUpstream: IP literal hosts without an IP rule are still checked", async () => {
  const result = await resolveUpstream("127.0.0.1", byName, new Map());
  assert.equal(result.ok, false);
});

Deno.test("resolveUpstream: the test mapping skips DNS and the private check", async () => {
  const never: Lookup = () => Promise.reject(new Error("DNS must not be used"));
  const result = await resolveUpstream("x.test", byName, new Map([["x.test", "127.0.0.1"]]), never);
  assert.deepEqual(result, { ok: true, addresses: ["127.0.0.1"], testResolve: true });
});

Deno.test("resolveUpstream: DNS failures are a 502", async () => {
  const failing: Lookup = () => Promise.reject(new Error("ENOTFOUND"));
  const result = await resolveUpstream("x.test", byName, new Map(), failing);
  assert.equal(result.ok === false && result.status, 502);
  const empty = await resolveUpstream("x.test", byName, new Map(), fixed([]));
  assert.equal(empty.ok === false && empty.status, 502);
});

Deno.test("resolveUpstream: localhost through the system resolver is refused", async () => {
  const result = await resolveUpstream("localhost", byName, new Map());
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.reason, /resolves to a private address/);
});

Deno.test("connectUpstream: tries each address, reports every failure", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  await assert.rejects(
    connectUpstream(["127.0.0.1", "127.0.0.2"], port, 2000),
    /cannot connect to 127\.0\.0\.1:\d+: .*; 127\.0\.0\.2:\d+/,
  );
  const live = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = live.accept();
  const conn = await connectUpstream(["127.0.0.1"], (live.addr as Deno.NetAddr).port, 2000);
  (await accepted).close();
  conn.close();
  live.close();
});
