import assert from "node:assert/strict";
import { latin1, latin1Bytes } from "../../../lib/bytes.ts";
import {
  connectionHas,
  headerList,
  parseAbsoluteTarget,
  parseConnectAuthority,
  requestHeadParser,
  responseHeadParser,
  serializeRequestHead,
  stripHopByHop,
} from "./head.ts";

const enc = (text: string): Uint8Array => latin1Bytes(text);

Deno.test("request head: complete in one chunk, rest kept", () => {
  const parser = requestHeadParser();
  const result = parser.push(
    enc("GET http://x.com/a?b=1 HTTP/1.1\r\nHost: x.com\r\nX-A:  v \r\n\r\nBODY"),
  );
  assert.equal(result.state, "complete");
  if (result.state !== "complete") return;
  assert.deepEqual(result.head, {
    method: "GET",
    target: "http://x.com/a?b=1",
    version: "HTTP/1.1",
    headers: [{ name: "Host", value: "x.com" }, { name: "X-A", value: "v" }],
  });
  assert.equal(latin1(result.rest), "BODY");
});

Deno.test("request head: arrives byte by byte", () => {
  const parser = requestHeadParser();
  const text = "\r\nCONNECT x.com:443 HTTP/1.1\r\nHost: x.com:443\r\n\r\n";
  let result = parser.push(new Uint8Array(0));
  for (let i = 0; i < text.length; i++) {
    result = parser.push(enc(text[i]));
    if (i < text.length - 1) assert.equal(result.state, "incomplete", `at ${i}`);
  }
  assert.equal(result.state, "complete");
  if (result.state === "complete") {
    assert.equal(result.head.method, "CONNECT");
    assert.equal(result.rest.length, 0);
  }
});

Deno.test("request head: size cap gives 431", () => {
  const parser = requestHeadParser(1024);
  assert.equal(parser.push(enc("GET / HTTP/1.1\r\n")).state, "incomplete");
  const result = parser.push(enc(`X: ${"a".repeat(2000)}`));
  assert.equal(result.state, "error");
  if (result.state === "error") assert.equal(result.status, 431);
  const whole = requestHeadParser(64).push(enc(`GET / HTTP/1.1\r\nX: ${"a".repeat(100)}\r\n\r\n`));
  assert.equal(whole.state === "error" && whole.status, 431);
});

Deno.test("request head: malformed input is a 400 or 505", () => {
  const cases: [string, number][] = [
    ["GET  / HTTP/1.1\r\n\r\n", 400],
    ["GET / HTTP/1.1 extra\r\n\r\n", 400],
    ["G@T / HTTP/1.1\r\n\r\n", 400],
    ["GET / HTTP/2.0\r\n\r\n", 505],
    ["GET / HTTP/1.1\r\nBad Name: v\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nName : v\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nA: b\x00c\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nA: b\nB: c\r\n\r\n", 400],
    ["GET /\x7f HTTP/1.1\r\n\r\n", 400],
  ];
  for (const [text, status] of cases) {
    const result = requestHeadParser().push(enc(text));
    assert.equal(result.state, "error", JSON.stringify(text));
    if (result.state === "error") assert.equal(result.status, status, JSON.stringify(text));
  }
});

Deno.test("response head: status line forms", () => {
  const ok = responseHeadParser().push(enc("HTTP/1.1 204 No Content\r\nA: 1\r\n\r\n"));
  assert.ok(ok.state === "complete" && ok.head.status === 204 && ok.head.reason === "No Content");
  const bare = responseHeadParser().push(enc("HTTP/1.0 200\r\n\r\n"));
  assert.ok(bare.state === "complete" && bare.head.reason === "" && bare.head.headers.length === 0);
  assert.equal(responseHeadParser().push(enc("HTTP/1.1 2000 x\r\n\r\n")).state, "error");
  assert.equal(responseHeadParser().push(enc("ICY 200 OK\r\n\r\n")).state, "error");
});

Deno.test("head bytes survive a parse/serialise round trip (latin1)", () => {
  const raw = "POST /p HTTP/1.1\r\nHost: x\r\nX-Bin: \xe9\xff\r\n\r\n";
  const result = requestHeadParser().push(enc(raw));
  assert.equal(result.state, "complete");
  if (result.state === "complete") assert.equal(latin1(serializeRequestHead(result.head)), raw);
});

Deno.test("headerList, connectionHas", () => {
  const headers = [
    { name: "Connection", value: "Keep-Alive, Upgrade" },
    { name: "connection", value: "close" },
  ];
  assert.deepEqual(headerList(headers, "CONNECTION"), ["Keep-Alive", "Upgrade", "close"]);
  assert.ok(connectionHas(headers, "close"));
  assert.ok(!connectionHas(headers, "te"));
});

Deno.test("stripHopByHop drops hop-by-hop, Proxy-* and Connection-listed headers", () => {
  const kept = stripHopByHop([
    { name: "Host", value: "x" },
    { name: "Connection", value: "keep-alive, X-Secret, Content-Length, Transfer-Encoding" },
    { name: "Keep-Alive", value: "timeout=5" },
    { name: "Proxy-Authorization", value: "Basic abc" },
    { name: "Proxy-Connection", value: "keep-alive" },
    { name: "TE", value: "trailers" },
    { name: "Upgrade", value: "websocket" },
    { name: "X-Secret", value: "1" },
    { name: "Content-Length", value: "3" },
    { name: "Transfer-Encoding", value: "chunked" },
    { name: "Authorization", value: "Bearer t" },
  ]);
  assert.deepEqual(kept.map((h) => h.name), [
    "Host",
    "Content-Length",
    "Transfer-Encoding",
    "Authorization",
  ]);
});

Deno.test("parseConnectAuthority", () => {
  assert.deepEqual(parseConnectAuthority("Example.com:443"), { host: "example.com", port: 443 });
  assert.deepEqual(parseConnectAuthority("[::1]:8443"), { host: "[::1]", port: 8443 });
  assert.deepEqual(parseConnectAuthority("2130706433:80"), { host: "127.0.0.1", port: 80 });
  for (
    const bad of [
      "example.com",
      "example.com:",
      "example.com:0",
      "example.com:99999",
      "u@x.com:443",
      "::1:443",
      "x.com:443/",
    ]
  ) {
    assert.equal(parseConnectAuthority(bad), null, bad);
  }
});

Deno.test("parseAbsoluteTarget", () => {
  assert.deepEqual(parseAbsoluteTarget("http://X.com/a/b?c=d"), {
    scheme: "http",
    host: "x.com",
    port: 80,
    path: "/a/b?c=d",
  });
  assert.deepEqual(parseAbsoluteTarget("HTTP://x.com:8080"), {
    scheme: "http",
    host: "x.com",
    port: 8080,
    path: "/",
  });
  assert.deepEqual(parseAbsoluteTarget("http://x.com?q"), {
    scheme: "http",
    host: "x.com",
    port: 80,
    path: "/?q",
  });
  assert.equal(parseAbsoluteTarget("https://x.com/")?.port, 443);
  assert.equal(parseAbsoluteTarget("http://[::1]:81/")?.host, "[::1]");
  for (
    const bad of [
      "/path",
      "ftp://x.com/",
      "http://u:p@x.com/",
      "http://x.com:99999/",
      "http:///p",
      "http://x.com/#frag",
      "x.com:80",
    ]
  ) {
    assert.equal(parseAbsoluteTarget(bad), null, bad);
  }
});
