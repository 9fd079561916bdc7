import assert from "node:assert/strict";
import type { Decision } from "../policy/decide.ts";
import { withNameOverrides } from "./name_override.ts";
import { dnsResolver, type Lookup, resolveUpstream } from "./resolve.ts";

const byName: Decision = { verdict: "allow", rule: "x.test", reason: "ok", ipLiteralRule: false };
const byIp: Decision = { verdict: "allow", rule: "10.0.0.5", reason: "ok", ipLiteralRule: true };
const fixed = (addresses: string[]): Lookup => () => Promise.resolve(addresses);

Deno.test("resolveUpstream: public addresses pass, private ones are filtered out", async () => {
  const mixed = await resolveUpstream(
    dnsResolver(fixed(["10.0.0.1", "93.184.216.34"])),
    "x.test",
    byName,
  );
  assert.deepEqual(mixed, { ok: true, addresses: ["93.184.216.34"], nameOverride: false });
});

Deno.test("resolveUpstream: only private addresses → 403 naming the range", async () => {
  for (
    const address of ["127.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "fd00::1", "100.64.1.1"]
  ) {
    const result = await resolveUpstream(dnsResolver(fixed([address])), "x.test", byName);
    assert.equal(result.ok, false, address);
    if (!result.ok) {
      assert.equal(result.status, 403);
      assert.match(result.reason, /resolves to a private address/);
    }
  }
});

Deno.test("resolveUpstream: an exact IP rule may reach a private address", async () => {
  const result = await resolveUpstream(dnsResolver(fixed([])), "10.0.0.5", byIp);
  assert.deepEqual(result, { ok: true, addresses: ["10.0.0.5"], nameOverride: false });
  const v6 = await resolveUpstream(dnsResolver(), "[fd00::1]", { ...byIp, rule: "[fd00::1]" });
  assert.deepEqual(v6, { ok: true, addresses: ["fd00::1"], nameOverride: false });
});

Deno.test("resolveUpstream: IP literal hosts without an IP rule are still checked", async () => {
  const result = await resolveUpstream(dnsResolver(), "127.0.0.1", byName);
  assert.equal(result.ok, false);
});

Deno.test("resolveUpstream: the name override skips DNS and the private check", async () => {
  const never: Lookup = () => Promise.reject(new Error("DNS must not be used"));
  const overridden = withNameOverrides(new Map([["x.test", "127.0.0.1"]]), dnsResolver(never));
  const result = await resolveUpstream(overridden, "x.test", byName);
  assert.deepEqual(result, { ok: true, addresses: ["127.0.0.1"], nameOverride: true });
});

Deno.test("resolveUpstream: DNS failures are a 502", async () => {
  const failing: Lookup = () => Promise.reject(new Error("ENOTFOUND"));
  const result = await resolveUpstream(dnsResolver(failing), "x.test", byName);
  assert.equal(result.ok === false && result.status, 502);
  const empty = await resolveUpstream(dnsResolver(fixed([])), "x.test", byName);
  assert.equal(empty.ok === false && empty.status, 502);
});

Deno.test("resolveUpstream: localhost through the system resolver is refused", async () => {
  const result = await resolveUpstream(dnsResolver(), "localhost", byName);
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.reason, /resolves to a private address/);
});
