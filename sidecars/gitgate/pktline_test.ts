import assert from "node:assert/strict";
import { errorAdvertisement, parsePushCommands, pkt, refusalReport } from "./pktline.ts";

Deno.test("pkt-line: length prefix counts itself", () => {
  assert.equal(pkt("a\n"), "0006a\n");
  assert.equal(pkt(""), "0004");
});

Deno.test("pkt-line: the ERR advertisement", () => {
  assert.equal(
    errorAdvertisement("git-upload-pack", "no\nsuch"),
    "001e# service=git-upload-pack\n0000" + "0011ERR no; such\n",
  );
});

const O = "0".repeat(40);
const N = "1".repeat(40);
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

Deno.test("pkt-line: push commands with and without side-band", () => {
  const head = pkt(`${O} ${N} refs/heads/a\0report-status side-band-64k agent=git/2\n`) +
    pkt(`${O} ${N} refs/heads/b\n`) + "0000PACK...";
  assert.deepEqual(parsePushCommands(enc(head)), {
    refs: ["refs/heads/a", "refs/heads/b"],
    sideBand: true,
  });
  assert.deepEqual(
    parsePushCommands(enc(pkt(`${O} ${N} refs/heads/a\0report-status\n`) + "0000")),
    {
      refs: ["refs/heads/a"],
      sideBand: false,
    },
  );
  assert.equal(parsePushCommands(enc(pkt(`${O} ${N} refs/heads/a\n`))), null);
  assert.equal(parsePushCommands(enc("zzzz")), null);
});

Deno.test("pkt-line: refusal report", () => {
  const plain = refusalReport({ refs: ["refs/heads/a"], sideBand: false }, "too big", "msg");
  assert.equal(plain, pkt("unpack refused\n") + pkt("ng refs/heads/a too big\n") + "0000");
  const banded = refusalReport({ refs: ["refs/heads/a"], sideBand: true }, "too big", "m1\nm2");
  assert.ok(banded.startsWith(pkt("\x02m1\n") + pkt("\x02m2\n") + pkt(`\x01${plain}`)));
  assert.ok(banded.endsWith("0000"));
});
