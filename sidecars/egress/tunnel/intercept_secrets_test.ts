import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { compileSecrets } from "../secrets/table.ts";
import { content, curl, header } from "../testing/mod.ts";
import {
  bearer,
  fetchVia,
  PLACEHOLDER,
  REAL,
  requestLines,
  tunnel,
  withIntercept,
} from "../testing/intercept_fixture.ts";

Deno.test("intercept: the placeholder becomes the real credential on the route only", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([
      ...fx.curlArgs(),
      "-D",
      "-",
      "-H",
      `Authorization: Bearer ${PLACEHOLDER}`,
      fx.url("api.test", "/reflect"),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fx.standIn.requests[0].headers.authorization, `Bearer ${REAL}`);
    // The stand-in echoed the real value in a header and the body: the client sees neither.
    assert.ok(!result.stdout.includes(REAL), result.stdout);
    assert.match(
      result.stdout,
      new RegExp(`x-echo-auth: authorization=Bearer ${PLACEHOLDER}`, "i"),
    );
    assert.ok(result.stdout.endsWith(`authorization=Bearer ${PLACEHOLDER};x-api-key=;x-custom=`));
    const [line] = requestLines(fx);
    assert.equal(line.injected, "api.test");
    assert.ok(!JSON.stringify(fx.audit()).includes(REAL));
    assert.ok(!JSON.stringify(fx.audit()).includes(PLACEHOLDER));
  });
});

Deno.test("intercept: gzip and brotli responses echoing the secret are decoded and redacted", async () => {
  await withIntercept(async (fx) => {
    for (const path of ["/reflect-gzip", "/reflect-br"]) {
      const client = await tunnel(fx);
      try {
        await client.send(
          `GET ${path} HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n` +
            `Accept-Encoding: gzip, br, zstd\r\n\r\n`,
        );
        const response = await client.readResponse();
        assert.equal(response.status, 200);
        assert.equal(header(response, "content-encoding"), undefined);
        assert.equal(header(response, "transfer-encoding"), "chunked");
        assert.equal(
          content(response),
          `authorization=Bearer ${PLACEHOLDER};x-api-key=;x-custom=`,
          path,
        );
      } finally {
        client.close();
      }
    }
    // Only codings the proxy can decode are asked for.
    assert.equal(fx.standIn.requests[0].headers["accept-encoding"], "gzip, br");
    const curled = await curl([
      ...fx.curlArgs(),
      "--compressed",
      fx.url("api.test", "/reflect-gzip"),
    ]);
    assert.equal(curled.stdout, `authorization=Bearer ${PLACEHOLDER};x-api-key=;x-custom=`);
  });
});

Deno.test("intercept: a placeholder sent anywhere else is blocked and audited", async () => {
  await withIntercept(async (fx) => {
    const cases: Array<[string, string[], string]> = [
      ["other host, auth header", ["-H", `Authorization: Bearer ${PLACEHOLDER}`], "other.test"],
      ["route host, URL", [], "api.test"],
      ["route host, other header", ["-H", `X-Forward: ${PLACEHOLDER}`], "api.test"],
      ["other host, body", ["--data-binary", `{"token":"${PLACEHOLDER}"}`], "other.test"],
      ["base64 in basic auth elsewhere", ["-u", `${PLACEHOLDER}:x`], "other.test"],
    ];
    for (const [name, args, host] of cases) {
      const path = name.includes("URL") ? `/echo?key=${PLACEHOLDER}` : "/echo";
      const response = await fetchVia(fx, [...args, fx.url(host, path)]);
      assert.equal(response.status, 403, name);
      assert.match(response.head, /X-Bot-Bottle-Reason: .*placeholder of route "api\.test"/, name);
      assert.ok(!response.head.includes(PLACEHOLDER) && !response.body.includes(PLACEHOLDER), name);
    }
    assert.equal(fx.standIn.requests.length, 0);
    const blocked = requestLines(fx).filter((l) => l.rule === "placeholder-leak");
    assert.equal(blocked.length, cases.length);
    assert.ok(blocked.every((l) => l.verdict === "deny" && l.status === 403 && l.intercepted));
    assert.ok(!JSON.stringify(fx.audit()).includes(PLACEHOLDER));
  });
});

Deno.test("intercept: a body on the credentialed route may quote its placeholder (a conversation)", async () => {
  await withIntercept(async (fx) => {
    const body = `{"tool_output":"ANTHROPIC_API_KEY=${PLACEHOLDER}"}`;
    const response = await fetchVia(fx, ["--data-binary", body, fx.url("api.test", "/echo")]);
    assert.equal(response.status, 200, response.head);
    assert.equal(fx.standIn.requests.length, 1);
    assert.ok(fx.standIn.requests[0].body.includes(PLACEHOLDER), "the body was changed");
  });
});

Deno.test("intercept: hot reload of secrets applies to the next request of an open session", async () => {
  await withIntercept(async (fx) => {
    const client = await tunnel(fx);
    try {
      const ask = async (): Promise<string> => {
        await client.send(
          `GET /reflect HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n\r\n`,
        );
        return content(await client.readResponse());
      };
      assert.match(await ask(), new RegExp(PLACEHOLDER));
      const rotated = "sk-rotated-9876543210zyxwvu";
      fx.proxy.setConfig(
        fx.proxy.policy,
        compileSecrets(
          { version: 1, bottle: "dev", secrets: [bearer("api.test", { value: rotated })] },
          "dev",
        ),
      );
      assert.match(await ask(), new RegExp(PLACEHOLDER));
      assert.equal(fx.standIn.requests[1].headers.authorization, `Bearer ${rotated}`);
    } finally {
      client.close();
    }
  });
});

Deno.test("intercept: base64 (Basic) secrets are redacted too", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([...fx.curlArgs(), fx.url("api.test", "/reflect")]);
    const basic = Buffer.from(`user:${REAL}`).toString("base64");
    assert.equal(fx.standIn.requests[0].headers.authorization, `Basic ${basic}`);
    assert.ok(!result.stdout.includes(basic), result.stdout);
    assert.equal(
      result.stdout,
      `authorization=Basic ${
        Buffer.from(`user:${PLACEHOLDER}`).toString("base64")
      };x-api-key=;x-custom=`,
    );
  }, {
    secrets: [{
      host: "api.test",
      scheme: "basic",
      value: `user:${REAL}`,
      placeholder: `user:${PLACEHOLDER}`,
    }],
  });
});
