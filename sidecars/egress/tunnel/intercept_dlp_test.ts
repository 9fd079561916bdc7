import assert from "node:assert/strict";
import { unavailableDlp } from "../dlp_loader.ts";
import {
  BLOCK_MARK,
  content,
  curl,
  header,
  RawClient,
  WARN_MARK,
  withTimeout,
} from "../testing/mod.ts";
import {
  auditSettles,
  fetchVia,
  PLACEHOLDER,
  requestLines,
  tunnel,
  withIntercept,
  writeStandInCa,
} from "../testing/intercept_fixture.ts";

Deno.test("intercept: DLP blocks in URL, header and body, warns without blocking", async () => {
  await withIntercept(async (fx) => {
    const blocked: Array<[string, string[], string, string]> = [
      ["url", [], `/echo?q=${BLOCK_MARK}`, "the URL"],
      ["header", ["-H", `X-Note: ${BLOCK_MARK}`], "/echo", "a request header"],
      ["body", ["--data-binary", `aaa ${BLOCK_MARK} bbb`], "/echo", "the request body"],
    ];
    for (const [where, args, path, place] of blocked) {
      const result = await fetchVia(fx, [...args, fx.url("other.test", path)]);
      assert.equal(result.status, 403, where);
      assert.match(
        result.head,
        new RegExp(`X-Bot-Bottle-Reason: DLP rule "test-secret" matched ${place}`),
        where,
      );
      assert.ok(!result.head.includes(BLOCK_MARK) && !result.body.includes(BLOCK_MARK), where);
    }
    assert.equal(fx.standIn.requests.length, 0);
    const warned = await curl([
      ...fx.curlArgs(),
      "-H",
      `X-Note: ${WARN_MARK}`,
      "--data-binary",
      `x ${WARN_MARK}`,
      fx.url("other.test", "/echo"),
    ]);
    assert.equal(warned.stdout, `x ${WARN_MARK}`);
    const lines = requestLines(fx);
    assert.deepEqual(lines.map((l) => l.rule).slice(0, 3), [
      "dlp:test-secret",
      "dlp:test-secret",
      "dlp:test-secret",
    ]);
    assert.deepEqual(lines[3].dlp_warnings, ["test-warn@header", "test-warn@body"]);
    assert.equal(lines[0].path, "[withheld: flagged by DLP]");
    assert.ok(!JSON.stringify(fx.audit()).includes(BLOCK_MARK));
    assert.equal(lines[3].verdict, "allow");
    assert.ok(fx.dlp.calls.urls >= 4 && fx.dlp.calls.bodies >= 2);
    assert.deepEqual(fx.dlp.secretIds, ["api.test"]);
  });
});

Deno.test("intercept: DLP stops a big upload mid-stream and answers 403", async () => {
  await withIntercept(async (fx) => {
    const size = 8 * 1024 * 1024;
    const body = new Uint8Array(size).fill(0x61);
    body.set(new TextEncoder().encode(BLOCK_MARK), 6 * 1024 * 1024);
    const result = await fetchVia(
      fx,
      ["--data-binary", "@-", fx.url("other.test", "/upload")],
      body,
    );
    assert.equal(result.status, 403, result.stderr);
    assert.match(result.head, /DLP rule "test-secret" matched the request body/);
    const lines = await auditSettles(fx, 1);
    const line = lines.find((l) => l.path === "/upload")!;
    assert.equal(line.rule, "dlp:test-secret");
    assert.ok(
      line.bytes_up > 1024 * 1024 && line.bytes_up < 6 * 1024 * 1024 + 65536,
      `${line.bytes_up}`,
    );
    // The upstream never got the marker: the stand-in saw at most a cut-off body.
    assert.ok(fx.standIn.requests.every((r) => !r.body.includes(BLOCK_MARK)));
  });
});

Deno.test("intercept: big download streams through redaction without buffering", async () => {
  await withIntercept(async (fx) => {
    const client = await tunnel(fx);
    try {
      const size = 20 * 1024 * 1024;
      await client.send(
        `GET /big?bytes=${size} HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n\r\n`,
      );
      const response = await withTimeout(client.readResponse(), "big download", 30_000);
      assert.equal(content(response).length, size);
    } finally {
      client.close();
    }
  });
});

Deno.test("intercept: plain HTTP shares the pipeline (placeholders, DLP, no cleartext injection)", async () => {
  await withIntercept(async (fx) => {
    const plain = async (url: string, headers = ""): Promise<string> => {
      const client = await RawClient.connect(fx.socket);
      try {
        await client.send(`GET ${url} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
        const response = await client.readResponse();
        return `${response.status} ${header(response, "x-bot-bottle-reason")}`;
      } finally {
        client.close();
      }
    };
    assert.match(
      await plain("http://other.test/", `X-A: ${PLACEHOLDER}\r\n`),
      /^403 .*placeholder/,
    );
    assert.match(await plain(`http://other.test/?${BLOCK_MARK}`), /^403 DLP rule "test-secret"/);
    assert.match(await plain("http://api.test/"), /^403 route "api\.test" injects a credential/);
    const rules = requestLines(fx).map((l) => [l.rule, l.intercepted]);
    assert.deepEqual(rules, [
      ["placeholder-leak", false],
      ["dlp:test-secret", false],
      ["route-requires-https", false],
    ]);
  });
});

Deno.test("intercept: without a DLP engine the proxy fails closed, saying why", async () => {
  await withIntercept(async (fx) => {
    const result = await fetchVia(fx, [fx.url("other.test", "/hello")]);
    assert.equal(result.status, 403);
    assert.match(
      result.head,
      /X-Bot-Bottle-Reason: the proxy cannot scan requests \(engine gone\)/,
    );
    const passthrough = await curl([
      "--proxy",
      `http://127.0.0.1:${fx.door.port}`,
      "--cacert",
      writeStandInCa(fx),
      fx.url("raw.test", "/hello"),
    ]);
    assert.equal(passthrough.stdout, "hello", passthrough.stderr);
    assert.equal(requestLines(fx)[0].rule, "dlp:dlp-unavailable");
  }, { dlp: unavailableDlp("engine gone") });
});
