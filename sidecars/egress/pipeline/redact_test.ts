import assert from "node:assert/strict";
import { deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { encodedNeedles } from "../secrets/encodings.ts";
import {
  acceptEncodingWeCanDecode,
  contentCodings,
  decoded,
  redactedHead,
  redacting,
} from "./redact.ts";

const needles = encodedNeedles("real-secret-0123456", "placeholder-xyz-1", "a.test");

async function run(bytes: Uint8Array, codings: string[], chunk = 7): Promise<string> {
  const source = new ReadableStream<Uint8Array>({
    start(controller): void {
      for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.slice(i, i + chunk));
      controller.close();
    },
  });
  const replaced = new Set<string>();
  const parts: Uint8Array[] = [];
  for await (const part of decoded(source, codings).pipeThrough(redacting(needles, replaced))) {
    parts.push(part);
  }
  return new TextDecoder().decode(new Uint8Array(parts.flatMap((p) => [...p])));
}

Deno.test("redact: bodies in every coding come out decoded and redacted", async () => {
  const text = new TextEncoder().encode("token=real-secret-0123456; again real-secret-0123456");
  const expected = "token=placeholder-xyz-1; again placeholder-xyz-1";
  assert.equal(await run(text, []), expected);
  assert.equal(await run(gzipSync(text), ["gzip"]), expected);
  assert.equal(await run(deflateSync(text), ["deflate"]), expected);
  assert.equal(await run(deflateRawSync(text), ["deflate"]), expected);
  assert.equal(await run(gzipSync(gzipSync(text)), ["gzip", "gzip"]), expected);
});

Deno.test("redact: heads lose framing and coding headers when the body is re-sent", () => {
  const head = redactedHead(
    {
      version: "HTTP/1.1",
      status: 200,
      reason: "OK",
      headers: [
        { name: "Content-Length", value: "10" },
        { name: "Content-Encoding", value: "gzip" },
        { name: "Set-Cookie", value: "t=real-secret-0123456" },
      ],
    },
    needles,
    "chunked",
    true,
  );
  assert.deepEqual(head.headers, [
    { name: "Set-Cookie", value: "t=placeholder-xyz-1" },
    { name: "Transfer-Encoding", value: "chunked" },
  ]);
});

Deno.test("redact: coding negotiation", () => {
  assert.deepEqual(
    acceptEncodingWeCanDecode([{ name: "Accept-Encoding", value: "zstd, gzip;q=0.8, br, *" }]),
    [{ name: "Accept-Encoding", value: "gzip;q=0.8, br" }],
  );
  assert.deepEqual(acceptEncodingWeCanDecode([{ name: "Accept-Encoding", value: "zstd" }]), []);
  assert.deepEqual(contentCodings([{ name: "Content-Encoding", value: "gzip, identity" }]), {
    ok: true,
    codings: ["gzip"],
  });
  assert.deepEqual(contentCodings([{ name: "Content-Encoding", value: "zstd" }]), {
    ok: false,
    coding: "zstd",
  });
});
