import assert from "node:assert/strict";
import {
  checkBranch,
  checkEgressAsk,
  checkGitAsk,
  checkHost,
  checkHumanAsk,
  checkReason,
  checkText,
  LIMITS,
} from "./validate.ts";

function problem(checked: { ok: boolean; problem?: string }): string {
  assert.equal(checked.ok, false, "expected a refusal");
  return checked.problem ?? "";
}

Deno.test("validate: hosts come out canonical", () => {
  assert.deepEqual(checkHost("API.Example.COM."), { ok: true, value: "api.example.com" });
  assert.deepEqual(checkHost("bücher.example"), { ok: true, value: "xn--bcher-kva.example" });
  assert.deepEqual(checkHost("a_b.example.org"), { ok: true, value: "a_b.example.org" });
});

Deno.test("validate: wildcards, leading dots, URLs, ports and spaces are refused", () => {
  assert.match(problem(checkHost("*.example.com")), /wildcards are never granted/);
  assert.match(problem(checkHost("api.*.com")), /wildcards/);
  assert.match(problem(checkHost("*")), /wildcards/);
  assert.match(problem(checkHost(".example.com")), /must not start with a dot/);
  assert.match(problem(checkHost("https://example.com")), /not a URL/);
  assert.match(problem(checkHost("example.com/path")), /not a URL/);
  assert.match(problem(checkHost("example.com:443")), /put the port in the port field/);
  assert.match(problem(checkHost("exa mple.com")), /spaces or control/);
  assert.match(problem(checkHost(" example.com")), /spaces/);
  assert.match(problem(checkHost("ex\u0000ample.com")), /control/);
  assert.match(problem(checkHost("ex\u202eample.com")), /control/);
  assert.match(problem(checkHost("bad!host.com")), /not a valid host name/);
  assert.match(problem(checkHost("-a.example")), /not a valid host name/);
  assert.match(problem(checkHost("a..example")), /not a valid host name/);
  assert.match(problem(checkHost("")), /host is required/);
  assert.match(problem(checkHost(42)), /host is required/);
  assert.match(problem(checkHost(`${"a".repeat(250)}.com`)), /longer than 253/);
});

Deno.test("validate: every IP literal is refused, naming a private range", () => {
  assert.match(problem(checkHost("10.0.0.1")), /never granted \(10\.0\.0\.1 is private \(10\./);
  assert.match(problem(checkHost("127.0.0.1")), /loopback/);
  assert.match(problem(checkHost("169.254.169.254")), /link-local/);
  assert.match(problem(checkHost("100.64.1.1")), /carrier-grade NAT/);
  assert.match(problem(checkHost("224.0.0.1")), /multicast/);
  assert.match(problem(checkHost("0.0.0.0")), /unspecified/);
  assert.match(problem(checkHost("::1")), /loopback/);
  assert.match(problem(checkHost("[::1]")), /loopback/);
  assert.match(problem(checkHost("[::1]:443")), /IP addresses are never granted/);
  assert.match(problem(checkHost("fd00::1")), /unique local/);
  assert.match(problem(checkHost("fe80::1")), /link-local/);
  assert.match(problem(checkHost("::ffff:10.0.0.1")), /IPv4-mapped private/);
  // Public ones too: ask for the name (a grant is for a name the proxy resolves).
  assert.match(problem(checkHost("8.8.8.8")), /^IP addresses are never granted: ask for the host/);
  assert.match(problem(checkHost("2606:4700::1111")), /IP addresses are never granted/);
  // Numeric shorthands resolve to IPs, not names.
  assert.match(problem(checkHost("2130706433")), /127\.0\.0\.1 is loopback/);
  assert.match(problem(checkHost("0x7f.1")), /loopback/);
});

Deno.test("validate: names that only resolve locally are refused", () => {
  assert.match(problem(checkHost("localhost")), /no domain/);
  assert.match(problem(checkHost("intranet")), /no domain/);
  assert.match(problem(checkHost("db.localhost")), /local machine \(\.localhost\)/);
  assert.match(problem(checkHost("printer.local")), /\.local\)/);
  assert.match(problem(checkHost("metadata.google.internal")), /\.internal\)/);
  assert.match(problem(checkHost("nas.home.arpa")), /\.home\.arpa\)/);
  assert.equal(checkHost("local.example.com").ok, true);
});

Deno.test("validate: egress asks, port and path prefix", () => {
  assert.deepEqual(checkEgressAsk({ host: "api.example.com", port: 443, path_prefix: "/v1/" }), {
    ok: true,
    value: { host: "api.example.com", port: 443, path_prefix: "/v1/" },
  });
  assert.deepEqual(checkEgressAsk({ host: "api.example.com", port: null }), {
    ok: true,
    value: { host: "api.example.com" },
  });
  for (const port of [0, 65536, 1.5, "443", -1]) {
    assert.match(problem(checkEgressAsk({ host: "a.example", port })), /port must be/);
  }
  assert.equal(checkEgressAsk({ host: "a.example", port: 65535 }).ok, true);
  assert.match(problem(checkEgressAsk({ host: "a.example", path_prefix: "v1" })), /start with/);
  assert.match(problem(checkEgressAsk({ host: "a.example", path_prefix: "/a b" })), /plain/);
  assert.match(problem(checkEgressAsk({ host: "a.example", path_prefix: "/a?b" })), /plain/);
  assert.match(problem(checkEgressAsk({ host: "a.example", path_prefix: "/a/../b" })), /\.\./);
  assert.match(
    problem(checkEgressAsk({ host: "a.example", path_prefix: `/${"a".repeat(1024)}` })),
    /longer than 1024/,
  );
  assert.match(problem(checkEgressAsk({ host: "*.a.example", port: 443 })), /wildcards/);
});

Deno.test("validate: reasons and questions are bounded, trimmed, free of control characters", () => {
  assert.deepEqual(checkReason("  need it\n for the build\t "), {
    ok: true,
    value: "need it\n for the build",
  });
  assert.match(problem(checkReason("")), /reason is required/);
  assert.match(problem(checkReason("   ")), /reason is required/);
  assert.match(problem(checkReason(undefined)), /reason is required/);
  assert.match(problem(checkReason("x".repeat(LIMITS.reason + 1))), /2001 characters; the most/);
  assert.equal(checkReason("x".repeat(LIMITS.reason)).ok, true);
  assert.match(problem(checkReason("red \u001b[31m")), /control/);
  assert.match(problem(checkReason("a\rb")), /control/);
  assert.match(problem(checkReason("a\u0085b")), /control/);
  assert.match(problem(checkReason("a\u2066b")), /bidirectional/);
  assert.equal(checkText("q".repeat(4000), "question", LIMITS.question).ok, true);
  assert.match(problem(checkHumanAsk({ question: "q".repeat(4001) })), /question is 4001/);
  assert.deepEqual(checkHumanAsk({ question: " Which DB? " }), {
    ok: true,
    value: { question: "Which DB?" },
  });
});

Deno.test("validate: git asks name an upstream and a branch glob", () => {
  assert.deepEqual(checkGitAsk({ upstream: "repo", branch: "feature/*" }), {
    ok: true,
    value: { upstream: "repo", branch: "feature/*" },
  });
  assert.match(problem(checkGitAsk({ upstream: "git@host:x.git", branch: "a" })), /upstream/);
  assert.match(problem(checkGitAsk({ upstream: "", branch: "a" })), /upstream/);
  assert.match(problem(checkGitAsk({ upstream: "a".repeat(101), branch: "a" })), /upstream/);
  for (const branch of ["feature/login", "feature/**", "fix-1.2", "user@x/+y", "a?c", "**"]) {
    assert.equal(checkBranch(branch).ok, true, branch);
  }
  assert.match(problem(checkBranch("refs/heads/main")), /without refs\/heads/);
  assert.match(problem(checkBranch("")), /branch is required/);
  assert.match(problem(checkBranch("a b")), /only letters/);
  assert.match(problem(checkBranch("a~1")), /only letters/);
  assert.match(problem(checkBranch("a[b]")), /only letters/);
  for (const branch of ["/a", "a/", "a//b", "a/.b", "-a", "a.", "a.lock", "a..b", ".a"]) {
    assert.match(problem(checkBranch(branch)), /not a valid branch name/, branch);
  }
  assert.match(problem(checkBranch("a".repeat(256))), /longer than 255/);
});
