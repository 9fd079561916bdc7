import assert from "node:assert/strict";
import { isLoopback, nonPublicRange, parseIp } from "./ip_ranges.ts";

Deno.test("parseIp: IPv4 and IPv6 forms", () => {
  assert.deepEqual(parseIp("1.2.3.4")?.bytes, new Uint8Array([1, 2, 3, 4]));
  assert.equal(parseIp("[::1]")?.version, 6);
  assert.equal(parseIp("::ffff:1.2.3.4")?.bytes[15], 4);
  assert.equal(parseIp("2001:db8:0:0:0:0:0:1")?.bytes[15], 1);
  for (
    const bad of [
      "1.2.3",
      "01.2.3.4",
      "1.2.3.256",
      "::1::",
      "1:2:3:4:5:6:7:8:9",
      "g::1",
      "fe80::1%eth0",
      "x",
    ]
  ) {
    assert.equal(parseIp(bad), null, bad);
  }
});

Deno.test("nonPublicRange: IPv4 ranges", () => {
  const blocked = [
    "0.0.0.0",
    "10.1.2.3",
    "100.64.0.1",
    "100.127.255.254",
    "127.0.0.1",
    "127.255.0.1",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "192.0.0.8",

    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "240.0.0.1",
  ];
  for (const ip of blocked) assert.notEqual(nonPublicRange(ip), null, ip);
  for (
    const ip of [
      "1.1.1.1",
      "8.8.8.8",
      "100.63.255.255",
      "100.128.0.0",
      "172.15.0.1",
      "172.32.0.1",
      "93.184.216.34",
    ]
  ) {
    assert.equal(nonPublicRange(ip), null, ip);
  }
  assert.match(nonPublicRange("169.254.169.254") ?? "", /metadata/);
  assert.match(nonPublicRange("100.64.0.1") ?? "", /carrier-grade NAT/);
});

Deno.test("nonPublicRange: IPv6 ranges incl. embedded IPv4", () => {
  const blocked = [
    "::",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "64:ff9b::10.0.0.1",
    "2002:0a00:0001::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "febf::1",
    "fec0::1",
    "ff02::1",

    "2001::1",
    "::127.0.0.1",
    "100::1",
  ];
  for (const ip of blocked) assert.notEqual(nonPublicRange(ip), null, ip);
  for (
    const ip of [
      "2606:4700:4700::1111",
      "203.0.113.80",
      "198.18.0.1",
      "2001:db8::1",
      "2a00:1450:4001:80e::200e",
      "::ffff:1.1.1.1",
      "64:ff9b::8.8.8.8",
      "2002:0808:0808::1",
    ]
  ) {
    assert.equal(nonPublicRange(ip), null, ip);
  }
  assert.match(nonPublicRange("::ffff:127.0.0.1") ?? "", /IPv4-mapped loopback/);
  assert.match(nonPublicRange("fe80::1%eth0") ?? "", /not a plain IP/);
});

Deno.test("isLoopback", () => {
  for (const ip of ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0::1"]) {
    assert.ok(isLoopback(ip), ip);
  }
  for (
    const ip of [
      "10.0.0.1",
      "::",
      "::2",
      "::ffff:127.0.0.1",
      "1.1.1.1",
      "localhost",
      "169.254.169.254",
    ]
  ) {
    assert.ok(!isLoopback(ip), ip);
  }
});
