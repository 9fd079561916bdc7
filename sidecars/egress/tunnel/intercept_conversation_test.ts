/**
 * The model route's conversation through the real proxy and DLP engine: tool output quoting
 * tokens goes (audited as warnings), the bottle's real secret is refused with rule and place.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { formatRulesLoaded } from "../inspect/conversation.ts";
import { createDlpEngine } from "../dlp/mod.ts";
import {
  bearer,
  fetchVia,
  PLACEHOLDER,
  requestLines,
  withIntercept,
} from "../testing/intercept_fixture.ts";

const SECRET = "sk-real-Xq7Lm2Vb9Rt4Wz1Kc8Np3Hs6Jd5Gf0YaUe";
const ENV = `PATH=/usr/bin\nANTHROPIC_API_KEY=${PLACEHOLDER}\n` +
  "CLAUDE_CODE_MESSAGING_TOKEN=3f9c2a71be04d85e6a1c7f20d9b34e58\n";

function turn(toolOutput: string): string {
  return JSON.stringify({ messages: [{ role: "user", content: toolOutput }] });
}

Deno.test("conversation, proxy: `env` output reaches the model; the real key never does", async () => {
  await formatRulesLoaded();
  await withIntercept(async (fx) => {
    const auth = [
      "-H",
      `Authorization: Bearer ${PLACEHOLDER}`,
      "-H",
      "Content-Type: application/json",
    ];
    const sent = await fetchVia(fx, [
      ...auth,
      "--data-binary",
      turn(ENV),
      fx.url("api.test", "/v1/messages"),
    ]);
    assert.equal(sent.status, 200, sent.head);
    assert.equal(fx.standIn.requests.length, 1);
    assert.equal(fx.standIn.requests[0].headers.authorization, `Bearer ${SECRET}`);
    // The same output to another host is refused: only the conversation is relaxed.
    const elsewhere = await fetchVia(fx, [
      "--data-binary",
      turn(ENV.replace(PLACEHOLDER, "x")),
      fx.url("other.test", "/echo"),
    ]);
    assert.equal(elsewhere.status, 403);
    assert.match(elsewhere.head, /X-Bot-Bottle-Reason: DLP rule "generic-secret-assignment"/);

    const b64 = Buffer.from(`key=${SECRET}`).toString("base64");
    for (const leaked of [`${ENV}KEY=${SECRET}`, `${ENV}${b64}`]) {
      const refused = await fetchVia(fx, [
        ...auth,
        "--data-binary",
        turn(leaked),
        fx.url("api.test", "/v1/messages"),
      ]);
      assert.equal(refused.status, 403);
      assert.match(
        refused.head,
        /X-Bot-Bottle-Reason: DLP rule "bottle-secret:api\.test" matched the request body/,
      );
      assert.match(refused.body, /bottle-secret:api\.test/);
      assert.ok(!refused.head.includes(SECRET) && !refused.body.includes(SECRET));
    }
    assert.equal(fx.standIn.requests.length, 1, "no other request reached the model");
    assert.ok(fx.standIn.requests.every((r) => !r.body.includes(SECRET) && !r.body.includes(b64)));

    const lines = requestLines(fx).filter((l) => l.host === "api.test");
    assert.ok(
      lines[0].dlp_warnings?.includes("generic-secret-assignment@body"),
      JSON.stringify(lines[0]),
    );
    assert.equal(lines[0].verdict, "allow");
    const blocked = lines.filter((l) => l.verdict === "deny");
    assert.deepEqual(blocked.map((l) => l.rule), [
      "dlp:bottle-secret:api.test",
      "dlp:bottle-secret:api.test",
    ]);
    assert.ok(blocked.every((l) => /matched the request body/.test(l.reason)));
    assert.ok(!JSON.stringify(fx.audit()).includes(SECRET));
  }, { secrets: [bearer("api.test", { value: SECRET })], dlp: createDlpEngine });
});
