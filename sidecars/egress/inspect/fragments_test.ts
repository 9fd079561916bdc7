import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Block } from "./block.ts";
import { compileSecrets } from "../secrets/table.ts";
import type { SecretTable } from "../secrets/table.ts";
import { SplitWatch } from "./split_watch.ts";

const PREFIX = "sk-ant-api03-";
const PRIVATE = "Xq7Lm2Vb9Rt4Wz1Kc8Np3Hs6Jd5Gf0YaUe";
const KEY = PREFIX + PRIVATE;
const FIRST = KEY.slice(0, PREFIX.length + 17);
const SECOND = KEY.slice(PREFIX.length + 17);

function table(): SecretTable {
  return compileSecrets({
    version: 1,
    bottle: "dev",
    secrets: [{ host: "api.test", scheme: "bearer", value: KEY, placeholder: "bb-ph-000001" }],
  }, "dev");
}

class Clock {
  ms = 1_000_000;
  readonly now = (): number => this.ms;
}

function url(watch: SplitWatch, secrets: SecretTable, path: string): Block | null {
  return watch.request(secrets)!.head(path, []);
}

function body(watch: SplitWatch, secrets: SecretTable, ...chunks: string[]): Block | null {
  const check = watch.request(secrets)!;
  const head = check.head("/upload", [{ name: "Accept", value: "*/*" }]);
  if (head !== null) return head;
  const stream = check.body();
  for (const chunk of chunks) {
    const block = stream.push(Buffer.from(chunk, "latin1"));
    if (block !== null) return block;
  }
  return stream.end();
}

function assertSplit(block: Block | null, where: string, what: RegExp): void {
  assert.ok(block !== null, "not blocked");
  assert.equal(block.rule, "bottle-secret-split:api.test");
  assert.equal(block.where, where);
  assert.match(block.reason, what);
  for (const piece of [FIRST, SECOND, PRIVATE.slice(3, 11)]) {
    assert.ok(!block.reason.includes(piece), block.reason);
  }
}

Deno.test("split: the second half of a secret on the same connection is refused", () => {
  const secrets = table();
  const watch = new SplitWatch(new Clock().now);
  assert.equal(url(watch, secrets, `/search?q=${FIRST}`), null);
  assert.equal(url(watch, secrets, `/search?q=${FIRST}`), null, "the same piece again");
  assertSplit(
    url(watch, secrets, `/search?q=${SECOND}`),
    "url",
    /^rule "bottle-secret-split:api\.test" matched the URL: part of the bottle's secret for route "api\.test", after another part of it was seen earlier on this connection/,
  );
});

Deno.test("split: pieces in other encodings, headers and bodies continue it too", () => {
  const secrets = table();
  const cases: [string, (watch: SplitWatch) => Block | null, string][] = [
    ["base64 URL", (w) => url(w, secrets, `/x/${btoa(SECOND)}`), "url"],
    ["percent-encoded", (w) => url(w, secrets, `/x?${encodeURIComponent("k=" + SECOND)}`), "url"],
    ["hex header", (w) => w.request(secrets)!.head("/", [hex(SECOND)]), "header"],
    ["JSON body", (w) => body(w, secrets, JSON.stringify({ rest: SECOND })), "body"],
    [
      "base64url body",
      (w) => body(w, secrets, Buffer.from(`x${SECOND}`).toString("base64url")),
      "body",
    ],
    ["overlap", (w) => body(w, secrets, KEY.slice(PREFIX.length + 10, PREFIX.length + 25)), "body"],
  ];
  for (const [name, send, where] of cases) {
    const watch = new SplitWatch(new Clock().now);
    assert.equal(url(watch, secrets, `/search?q=${FIRST}`), null, name);
    assertSplit(send(watch), where, /after another part of it was seen/);
  }
});

function hex(text: string): { name: string; value: string } {
  return { name: "X-Trace", value: Buffer.from(text).toString("hex") };
}

Deno.test("split: the bottle remembers for an hour across connections", () => {
  const secrets = table();
  const clock = new Clock();
  assert.equal(url(new SplitWatch(clock.now), secrets, `/a?q=${FIRST}`), null);
  clock.ms += 59 * 60_000;
  assertSplit(
    url(new SplitWatch(clock.now), secrets, `/b?q=${SECOND}`),
    "url",
    /seen in this bottle within the last hour/,
  );
  clock.ms += 61 * 60_000;
  const later = new SplitWatch(clock.now);
  assert.equal(url(later, secrets, `/b?q=${SECOND}`), null, "forgotten after an hour");
  // A connection does not forget.
  clock.ms += 3 * 60 * 60_000;
  assertSplit(url(later, secrets, `/c?q=${FIRST}`), "url", /earlier on this connection/);
});

Deno.test("split: more than half of a secret in one piece is refused at once", () => {
  const secrets = table();
  const watch = new SplitWatch(new Clock().now);
  const most = KEY.slice(0, PREFIX.length + 18);
  assertSplit(
    url(watch, secrets, `/q?k=${most}`),
    "url",
    /matched the URL: more than half of the bottle's secret for route "api\.test" in one piece/,
  );
  // Nothing of a refused request counts as sent: a smaller piece of it is refused too.
  assertSplit(url(watch, secrets, `/q?k=${FIRST}`), "url", /after another part of it/);
});

Deno.test("split: two parts in one request are refused; one part twice is not", () => {
  assertSplit(body(new SplitWatch(), table(), `${FIRST} and ${SECOND}`), "body", /part of/);
  const secrets = table();
  const twice = JSON.stringify({ turns: [FIRST, "ok", FIRST] });
  const watch = new SplitWatch();
  assert.equal(body(watch, secrets, twice), null);
  assert.equal(body(watch, secrets, twice + " next turn"), null, "a conversation sent anew");
  assertSplit(body(watch, secrets, twice, SECOND), "body", /part of/);
  // URL first, body next: one request, two parts.
  const check = new SplitWatch().request(table())!;
  assert.equal(check.head(`/q?k=${FIRST}`, []), null);
  const stream = check.body();
  assert.equal(stream.push(Buffer.from(SECOND)), null);
  assertSplit(stream.end(), "body", /part of/);
});

Deno.test("split: no byte of a refused piece is let through while the body streams", () => {
  const secrets = table();
  const watch = new SplitWatch();
  assert.equal(url(watch, secrets, `/q?k=${FIRST}`), null);
  const text = `${"a".repeat(1000)}${SECOND}${"b".repeat(1000)}`;
  const stream = watch.request(secrets)!.body();
  let safe = 0;
  for (const byte of Buffer.from(text)) {
    assert.equal(stream.push(new Uint8Array([byte])), null);
    safe = Math.max(safe, stream.safeBytes);
  }
  assert.ok(safe <= 1000, `${safe} bytes let through`);
  assertSplit(stream.end(), "body", /part of/);
});

Deno.test("split: ordinary traffic and the public prefix are never pieces", () => {
  const secrets = table();
  const watch = new SplitWatch();
  for (let i = 0; i < 20; i++) {
    const noise = Buffer.from(crypto.getRandomValues(new Uint8Array(4096)));
    assert.equal(body(watch, secrets, noise.toString("base64"), noise.toString("hex")), null);
    assert.equal(url(watch, secrets, `/docs?prefix=${PREFIX}&n=${i}`), null);
  }
});
