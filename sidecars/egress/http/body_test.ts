import assert from "node:assert/strict";
import { BodyDelimiter, FramingError, requestFraming, responseFraming } from "./body.ts";
import { latin1Bytes } from "../../../lib/bytes.ts";
import type { RequestHead, ResponseHead } from "./head.ts";

function req(headers: [string, string][]): RequestHead {
  return {
    method: "POST",
    target: "/",
    version: "HTTP/1.1",
    headers: headers.map(([name, value]) => ({ name, value })),
  };
}

function res(status: number, headers: [string, string][]): ResponseHead {
  return {
    version: "HTTP/1.1",
    status,
    reason: "",
    headers: headers.map(([name, value]) => ({ name, value })),
  };
}

Deno.test("requestFraming", () => {
  assert.deepEqual(requestFraming(req([])), { ok: true, framing: { kind: "none" } });
  assert.deepEqual(requestFraming(req([["Content-Length", "5"]])), {
    ok: true,
    framing: { kind: "length", length: 5 },
  });
  assert.deepEqual(requestFraming(req([["Content-Length", "5, 5"]])), {
    ok: true,
    framing: { kind: "length", length: 5 },
  });
  assert.deepEqual(requestFraming(req([["Content-Length", "0"]])), {
    ok: true,
    framing: { kind: "none" },
  });
  assert.deepEqual(requestFraming(req([["Transfer-Encoding", "Chunked"]])), {
    ok: true,
    framing: { kind: "chunked" },
  });
  assert.deepEqual(requestFraming(req([["Transfer-Encoding", "gzip, chunked"]])).ok, true);
  for (
    const bad of [
      [["Content-Length", "5"], ["Content-Length", "6"]],
      [["Content-Length", "-1"]],
      [["Content-Length", "1e3"]],
      [["Transfer-Encoding", "chunked"], ["Content-Length", "5"]],
      [["Transfer-Encoding", "gzip"]],
      [["Transfer-Encoding", "chunked, chunked"]],
    ] as [string, string][][]
  ) {
    assert.equal(requestFraming(req(bad)).ok, false, JSON.stringify(bad));
  }
});

Deno.test("responseFraming", () => {
  assert.deepEqual(responseFraming(res(200, [["Content-Length", "10"]]), "HEAD"), {
    ok: true,
    framing: { kind: "none" },
  });
  assert.deepEqual(responseFraming(res(204, []), "GET"), { ok: true, framing: { kind: "none" } });
  assert.deepEqual(responseFraming(res(304, [["Content-Length", "10"]]), "GET"), {
    ok: true,
    framing: { kind: "none" },
  });
  assert.deepEqual(responseFraming(res(100, []), "GET"), { ok: true, framing: { kind: "none" } });
  assert.deepEqual(responseFraming(res(200, []), "GET"), { ok: true, framing: { kind: "close" } });
  assert.deepEqual(responseFraming(res(200, [["Transfer-Encoding", "chunked"]]), "GET"), {
    ok: true,
    framing: { kind: "chunked" },
  });
  assert.deepEqual(responseFraming(res(200, [["Transfer-Encoding", "gzip"]]), "GET"), {
    ok: true,
    framing: { kind: "close" },
  });
  assert.equal(responseFraming(res(200, [["Content-Length", "x"]]), "GET").ok, false);
});

function scanAll(
  scanner: BodyDelimiter,
  input: string,
  step: number,
): { body: string; rest: string } {
  const bytes = latin1Bytes(input);
  let body = "";
  let i = 0;
  while (i < bytes.length && !scanner.done) {
    const chunk = bytes.subarray(i, Math.min(bytes.length, i + step));
    const { consumed } = scanner.feed(chunk);
    body += String.fromCharCode(...chunk.subarray(0, consumed));
    i += consumed;
  }
  return { body, rest: input.slice(i) };
}

Deno.test("BodyDelimiter: length", () => {
  const scanner = new BodyDelimiter({ kind: "length", length: 5 });
  assert.deepEqual(scanAll(scanner, "helloGET /", 3), { body: "hello", rest: "GET /" });
  assert.ok(scanner.done);
});

Deno.test("BodyDelimiter: chunked in any split, with extensions and trailers", () => {
  const body = "5;ext=1\r\nhello\r\n1a\r\n" + "x".repeat(26) + "\r\n0\r\nTrailer: v\r\n\r\n";
  for (const step of [1, 2, 3, 7, 1000]) {
    const scanner = new BodyDelimiter({ kind: "chunked" });
    assert.deepEqual(scanAll(scanner, `${body}NEXT`, step), { body, rest: "NEXT" }, `step ${step}`);
    assert.ok(scanner.done);
  }
});

Deno.test("BodyDelimiter: malformed chunked coding throws", () => {
  for (const bad of ["z\r\n", "5\r\nhelloXX", "5\nhello\r\n", "5\r\nhello\r\n0\r\nT: v\n"]) {
    const scanner = new BodyDelimiter({ kind: "chunked" });
    assert.throws(() => scanner.feed(latin1Bytes(bad)), FramingError, JSON.stringify(bad));
  }
  const long = new BodyDelimiter({ kind: "chunked" });
  assert.throws(() => long.feed(latin1Bytes("1".repeat(5000))), FramingError);
});

Deno.test("BodyDelimiter: end of stream", () => {
  const close = new BodyDelimiter({ kind: "close" });
  const fed = close.feed(latin1Bytes("abc"));
  assert.deepEqual([fed.consumed, fed.done], [3, false]);
  close.endOfStream();
  assert.ok(close.done);
  const short = new BodyDelimiter({ kind: "length", length: 10 });
  short.feed(latin1Bytes("abc"));
  assert.throws(() => short.endOfStream(), FramingError);
  assert.ok(new BodyDelimiter({ kind: "none" }).done);
});

Deno.test("BodyDelimiter: payload is the content without chunked framing", () => {
  const scanner = new BodyDelimiter({ kind: "chunked" });
  const wire = "3\r\nabc\r\n5;ext=1\r\ndefgh\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  for (let size = 1; size <= wire.length; size++) {
    const s = new BodyDelimiter({ kind: "chunked" });
    let content = "";
    let consumed = 0;
    for (let i = 0; i < wire.length && !s.done; i += size) {
      const fed = s.feed(latin1Bytes(wire.slice(i, i + size)));
      consumed += fed.consumed;
      content += fed.payload.map((p) => new TextDecoder().decode(p)).join("");
    }
    assert.equal(content, "abcdefgh", `chunk size ${size}`);
    assert.equal(consumed, wire.length - 4);
  }
  assert.ok(!scanner.done);
  const length = new BodyDelimiter({ kind: "length", length: 2 }).feed(latin1Bytes("abc"));
  assert.deepEqual(length.payload.map((p) => p.length), [2]);
});
