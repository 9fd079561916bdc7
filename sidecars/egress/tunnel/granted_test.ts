import assert from "node:assert/strict";
import { type CompiledPolicy, compilePolicy } from "../policy/mod.ts";
import type { PolicyGrant } from "../policy/wire.ts";
import { eventually } from "../testing/mod.ts";
import { GrantedTunnels } from "./granted.ts";

function policy(grants: PolicyGrant[], allow: string[] = []): CompiledPolicy {
  return compilePolicy({ version: 1, bottle: "dev", allow, deny: [], routes: [], grants });
}

function tunnel(
  host: string,
): { host: string; port: number; ended: string[]; end(r: string): void } {
  const ended: string[] = [];
  return { host, port: 443, ended, end: (reason) => ended.push(reason) };
}

Deno.test("granted tunnels: a relayed tunnel ends when its grant expires", async () => {
  const expires = new Date(Date.now() + 150).toISOString();
  const current = policy([{ host: "a.test", request: 1, expires_at: expires }]);
  const watch = new GrantedTunnels(() => current);
  try {
    const t = tunnel("a.test");
    watch.watch(t);
    assert.deepEqual(t.ended, []);
    await eventually(() => t.ended.length > 0, "the tunnel ended at expiry", 5000);
    assert.ok(Date.now() >= Date.parse(expires));
    assert.match(t.ended[0], /request 1\) until .*, which has passed/);
    assert.equal(watch.size, 0);
  } finally {
    watch.close();
  }
});

Deno.test("granted tunnels: a reload re-decides; revoked ends, renewed and allowed stay", () => {
  let current = policy([
    { host: "a.test", request: 1 },
    { host: "b.test", request: 2 },
    { host: "c.test", request: 3 },
    { host: "d.test", request: 4 },
  ]);
  const watch = new GrantedTunnels(() => current);
  try {
    const [a, b, c, d] = ["a.test", "b.test", "c.test", "d.test"].map(tunnel);
    const unwatchD = [a, b, c, d].map((t) => watch.watch(t))[3];
    unwatchD();
    current = policy([
      // a: revoked; b: now only for a path, which a relayed tunnel cannot hold to.
      { host: "b.test", request: 2, path_prefix: "/api/" },
      // c: renewed far ahead (a pending check, not an end).
      { host: "c.test", request: 5, expires_at: new Date(Date.now() + 3_600_000).toISOString() },
    ], ["d.test"]);
    watch.recheck();
    assert.match(a.ended[0], /not in this bottle's egress allowlist/);
    assert.match(b.ended[0], /cannot be held to a path prefix/);
    assert.deepEqual(c.ended, []);
    assert.deepEqual(d.ended, []);
    assert.equal(watch.size, 1);
  } finally {
    watch.close();
  }
  assert.equal(watch.size, 0);
});
