import assert from "node:assert/strict";
import {
  canonicalHost,
  type HostRule,
  HostRuleError,
  isIpLiteral,
  parseHostRule,
  ruleMatches,
} from "./host_rules.ts";

Deno.test("canonicalHost: case, trailing dot, IDN", () => {
  assert.equal(canonicalHost("Example.COM"), "example.com");
  assert.equal(canonicalHost("example.com."), "example.com");
  assert.equal(canonicalHost(" example.com "), "example.com");
  assert.equal(canonicalHost("bücher.de"), "xn--bcher-kva.de");
  assert.equal(canonicalHost("BÜCHER.de"), "xn--bcher-kva.de");
  assert.equal(canonicalHost("xn--bcher-kva.de"), "xn--bcher-kva.de");
  assert.equal(canonicalHost("a_b.example.com"), "a_b.example.com");
});

Deno.test("canonicalHost: IPv4 shorthand becomes dotted decimal", () => {
  for (const form of ["2130706433", "0x7f.1", "127.1", "0177.0.0.1", "0x7F000001", "127.0.0.1."]) {
    assert.equal(canonicalHost(form), "127.0.0.1", form);
  }
  assert.equal(canonicalHost("169.254.169.254"), "169.254.169.254");
  assert.equal(canonicalHost("0xa9fea9fe"), "169.254.169.254");
});

Deno.test("canonicalHost: IPv6 is bracketed and compressed", () => {
  assert.equal(canonicalHost("[::1]"), "[::1]");
  assert.equal(canonicalHost("::1"), "[::1]");
  assert.equal(canonicalHost("[0:0:0:0:0:0:0:1]"), "[::1]");
  assert.equal(canonicalHost("[::FFFF:127.0.0.1]"), "[::ffff:7f00:1]");
  assert.equal(canonicalHost("[2001:DB8::1]"), "[2001:db8::1]");
});

Deno.test("canonicalHost: rejects what is not a host", () => {
  for (
    const bad of [
      "",
      " ",
      "a b.com",
      "example.com/path",
      "user@example.com",
      "example.com:443",
      "a..b",
      ".example.com",
      "example.com..",
      "exa%6dple.com",
      "*.example.com",
      "[::1",
      "[fe80::1%25eth0]",
      "a.1",
      "256.1.1.1",
      `${"a".repeat(64)}.com`,
      "\u3002x.com",
      "ex\\ample.com",
    ]
  ) {
    assert.equal(canonicalHost(bad), null, JSON.stringify(bad));
  }
});

Deno.test("parseHostRule: exact, subdomains, any, ports", () => {
  assert.deepEqual(parseHostRule("Example.com", "allow"), {
    text: "Example.com",
    kind: "exact",
    host: "example.com",
    port: null,
  });
  assert.deepEqual(parseHostRule("*.x.com", "allow"), {
    text: "*.x.com",
    kind: "subdomains",
    host: "x.com",
    port: null,
  });
  assert.deepEqual(parseHostRule("*", "deny"), { text: "*", kind: "any", host: "", port: null });
  assert.equal(parseHostRule("x.com:443", "allow").port, 443);
  assert.equal(parseHostRule("*.x.com:8443", "deny").port, 8443);
  assert.deepEqual(parseHostRule("[::1]:8080", "allow"), {
    text: "[::1]:8080",
    kind: "exact",
    host: "[::1]",
    port: 8080,
  });
  assert.equal(parseHostRule("2130706433", "allow").host, "127.0.0.1");
  assert.equal(parseHostRule("bücher.de", "allow").host, "xn--bcher-kva.de");
});

Deno.test("parseHostRule: rejects bad rules with a hint", () => {
  const bad: [string, "allow" | "deny", RegExp][] = [
    ["*", "allow", /only valid in deny/],
    ["", "allow", /empty/],
    [" x.com", "allow", /spaces/],
    ["https://x.com", "allow", /not a URL/],
    ["x.com/path", "allow", /not a URL/],
    ["a.*.x.com", "allow", /leading/],
    ["*x.com", "allow", /leading/],
    ["**.x.com", "allow", /leading/],
    ["x.com:0", "allow", /port/],
    ["x.com:65536", "allow", /port/],
    ["x.com:", "allow", /port/],
    ["x.com:http", "allow", /port/],
    ["::1", "allow", /brackets/],
    ["*.1.2.3.4", "allow", /no subdomains|not a valid/],
    ["*.[::1]", "allow", /brackets|not a valid|no subdomains/],
    ["a..b", "allow", /not a valid host/],
  ];
  for (const [text, list, message] of bad) {
    assert.throws(() => parseHostRule(text, list), (error: unknown) => {
      assert.ok(error instanceof HostRuleError, text);
      assert.match(error.message, message, text);
      assert.ok(error.hint.length > 0);
      return true;
    });
  }
});

function matches(rule: HostRule, host: string, port = 443): boolean {
  const canonical = canonicalHost(host);
  assert.ok(canonical !== null, host);
  return ruleMatches(rule, canonical, port);
}

Deno.test("ruleMatches: *.x.com is subdomains only", () => {
  const rule = parseHostRule("*.x.com", "allow");
  assert.ok(matches(rule, "a.x.com"));
  assert.ok(matches(rule, "a.b.x.com"));
  assert.ok(matches(rule, "A.X.COM."));
  assert.ok(!matches(rule, "x.com"));
  assert.ok(!matches(rule, "evilx.com"));
  assert.ok(!matches(rule, "x.com.evil.com"));
  assert.ok(!matches(rule, "a.x.co"));
});

Deno.test("ruleMatches: exact matches only that host, any port unless given", () => {
  const rule = parseHostRule("x.com", "allow");
  assert.ok(matches(rule, "x.com", 443));
  assert.ok(matches(rule, "X.com.", 8080));
  assert.ok(!matches(rule, "a.x.com"));
  assert.ok(!matches(rule, "x.com.evil"));
  const ported = parseHostRule("x.com:443", "allow");
  assert.ok(matches(ported, "x.com", 443));
  assert.ok(!matches(ported, "x.com", 80));
});

Deno.test("ruleMatches: IP rules match every spelling of the address", () => {
  const rule = parseHostRule("127.0.0.1", "deny");
  for (const form of ["127.0.0.1", "2130706433", "0x7f.1", "127.1", "0177.0.0.1"]) {
    assert.ok(matches(rule, form), form);
  }
  assert.ok(!matches(rule, "127.0.0.2"));
  assert.ok(matches(parseHostRule("[::1]", "allow"), "0:0::1"));
});

Deno.test("ruleMatches: bare * matches everything", () => {
  const rule = parseHostRule("*", "deny");
  assert.ok(matches(rule, "x.com"));
  assert.ok(matches(rule, "1.2.3.4", 1));
});

Deno.test("isIpLiteral", () => {
  assert.ok(isIpLiteral("1.2.3.4"));
  assert.ok(isIpLiteral("[::1]"));
  assert.ok(!isIpLiteral("example.com"));
  assert.ok(!isIpLiteral("1.2.3.com"));
});
