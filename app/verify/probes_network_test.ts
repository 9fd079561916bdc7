import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  doorRequestScript,
  judgeDoorAnswers,
  judgeDoorDenies,
  judgeHostLoopback,
  judgeNoResolver,
  judgeNoRoute,
  judgeOnlyLo,
  judgeOtherAddress,
} from "./probes_network.ts";
import { framed, raw } from "./testing.ts";
import type { Facts } from "./types.ts";

const out = framed;
const facts: Facts = {
  arch: "x86_64",
  doorPort: 3128,
  deniedHost: "bot-bottle-verify.invalid",
  forbiddenPaths: [],
};

Deno.test("only-lo: lo alone passes; another interface or nothing fails", () => {
  assertEquals(judgeOnlyLo(out("if=lo\ninterfaces=1\n")), {
    verdict: "PASS",
    evidence: "interfaces: lo",
  });
  assertEquals(judgeOnlyLo(out("if=lo\nif=eth0\ninterfaces=2\n")).verdict, "FAIL");
  // A line dropped (the count says 2): not the list the script read.
  assertEquals(judgeOnlyLo(out("if=lo\ninterfaces=2\n")), {
    verdict: "FAIL",
    evidence: "2 interface(s) counted, 1 listed: lo",
  });
  assertMatch(judgeOnlyLo(raw("", 1)).evidence, /printed nothing usable \(exit 1\)/);
  assertEquals(judgeOnlyLo(out("")).verdict, "FAIL");
});

Deno.test("network judges: forged lines, after the END line or repeated, are tampering", () => {
  const tampered = /^probe output was tampered with: /;
  // An interface line appended after the probe ended (through /proc/PID/fd/1).
  assertMatch(judgeOnlyLo(raw(`${out("if=lo\ninterfaces=1\n").stdout}if=lo\n`)).evidence, tampered);
  assertMatch(judgeNoRoute(out("v4=3\nv6=0\nroutes=3\nv4=0\n")).evidence, tampered);
  assertMatch(judgeOtherAddress(out("rc=1\nms=3\nerror=x\nverdict=PASS\n")).evidence, tampered);
  const denied = "rc=0\nstatus=HTTP/1.1 200 OK\n";
  assertMatch(
    judgeDoorDenies(out(`${denied}status=HTTP/1.1 403 Forbidden\n`), facts).evidence,
    tampered,
  );
  assertMatch(
    judgeHostLoopback({ result: out("rc=0\nms=1\nerror=\nrc=1\n"), port: 1, fromInside: 0 })
      .evidence,
    tampered,
  );
});

Deno.test("no-route: IPv4 routes or IPv6 routes off lo fail", () => {
  assertEquals(judgeNoRoute(out("v4=0\nv6=0\nroutes=0\n")).verdict, "PASS");
  assertEquals(judgeNoRoute(out("v4=2\nv6=0\nroutes=2\n")), {
    verdict: "FAIL",
    evidence: "/proc/net/route: 2 IPv4 routes; /proc/net/ipv6_route: 0 off lo",
  });
  assertEquals(judgeNoRoute(out("v4=0\nv6=1\n")).verdict, "FAIL");
});

Deno.test("no-resolver: no resolv.conf and a failing lookup; not tried is a FAIL", () => {
  assertEquals(judgeNoResolver(out("routes=0\nresolv=absent\ngetent=2\n")), {
    verdict: "PASS",
    evidence: "no /etc/resolv.conf; getent hosts example.com: exit 2 (not found)",
  });
  assertEquals(
    judgeNoResolver(out("resolv=present\nnameservers=1\ngetent=2\n")).evidence,
    "/etc/resolv.conf lists 1 nameserver(s)",
  );
  assertEquals(judgeNoResolver(out("resolv=present\nnameservers=0\ngetent=2\n")).verdict, "PASS");
  assertEquals(judgeNoResolver(out("resolv=absent\ngetent=0\n")).verdict, "FAIL");
  // A lookup killed before it answered tested nothing.
  assertEquals(judgeNoResolver(out("resolv=absent\ngetent=137\n")).verdict, "FAIL");
  assertMatch(
    judgeNoResolver(out("resolv=absent\ngetent=2\nnameservers=0\nnameservers=3\n")).evidence,
    /tampered/,
  );
  assertEquals(
    judgeNoResolver(out("resolv=absent\ngetent=not-tried\n")).evidence,
    "getent not tried: the bottle has routes",
  );
});

Deno.test("host-loopback: refused and unseen passes; a connection either side fails", () => {
  const refused = out("rc=1\nms=3\nerror=Connection refused\n", 0);
  assertEquals(judgeHostLoopback({ result: refused, port: 4242, fromInside: 0 }), {
    verdict: "PASS",
    evidence:
      "connect 127.0.0.1:4242: Connection refused; the host listener saw 0 connection(s) from inside",
  });
  assertEquals(judgeHostLoopback({ result: refused, port: 4242, fromInside: 1 }), {
    verdict: "FAIL",
    evidence: "the host listener saw 1 connection(s) from inside",
  });
  assertEquals(
    judgeHostLoopback({ result: out("rc=137\nms=3\nerror=\n"), port: 1, fromInside: 0 }),
    {
      verdict: "FAIL",
      evidence: "connect 127.0.0.1:1: exit 137 (killed: nothing tested)",
    },
  );
  const connected = out("rc=0\nms=3\nerror=\n");
  assertEquals(
    judgeHostLoopback({ result: connected, port: 4242, fromInside: 1 }).evidence,
    "connected to the host's 127.0.0.1:4242 from inside; the host listener saw 1 connection(s) from inside",
  );
});

Deno.test("other-address: unreachable at once passes; slow, connected or not dialled fails", () => {
  assertEquals(judgeOtherAddress(out("routes=0\nrc=1\nms=14\nerror=Network is unreachable\n")), {
    verdict: "PASS",
    evidence: "connect 10.0.0.1:80: Network is unreachable after 14 ms",
  });
  assertEquals(
    judgeOtherAddress(out("rc=124\nms=3001\nerror=\n")).evidence,
    "connect 10.0.0.1:80: timed out after 3001 ms",
  );
  assertEquals(judgeOtherAddress(out("rc=0\nms=5\n")).verdict, "FAIL");
  assertMatch(judgeOtherAddress(out("routes=1\ndialled=no\n")).evidence, /not dialled/);
});

Deno.test("door: any HTTP answer means it answers; a 403 with the reason means it denies", () => {
  const denied = out(
    'rc=0\nstatus=HTTP/1.1 403 Forbidden\nreason=host "x" is not in this bottle\'s egress allowlist\n',
  );
  assertEquals(judgeDoorAnswers(denied, facts), {
    verdict: "PASS",
    evidence: "127.0.0.1:3128 answered: HTTP/1.1 403 Forbidden",
  });
  assertEquals(judgeDoorDenies(denied, facts).verdict, "PASS");
  assertMatch(
    judgeDoorDenies(denied, facts).evidence,
    /^GET http:\/\/bot-bottle-verify\.invalid\//,
  );
  assertEquals(judgeDoorDenies(out("rc=0\nstatus=HTTP/1.1 200 OK\n"), facts).verdict, "FAIL");
  assertEquals(judgeDoorAnswers(out("rc=7\n"), facts), {
    verdict: "FAIL",
    evidence: "nothing listens on 127.0.0.1:3128 inside",
  });
  assertEquals(judgeDoorAnswers(out("rc=0\nstatus=SSH-2.0-x\n"), facts).verdict, "FAIL");
});

Deno.test("the door request is a proxy-form GET for the denied host", () => {
  const script = doorRequestScript(3128, "bot-bottle-verify.invalid");
  assertMatch(script, /\/dev\/tcp\/127\.0\.0\.1\/3128/);
  assertMatch(script, /GET http:\/\/bot-bottle-verify\.invalid\/ HTTP\/1\.1/);
});
