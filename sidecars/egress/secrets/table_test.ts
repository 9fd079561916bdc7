import assert from "node:assert/strict";
import { compileSecrets, SecretsError } from "./table.ts";

const REAL = "sk-real-0123456789";

Deno.test("secrets: compiled per route with the header each scheme uses", () => {
  const table = compileSecrets({
    version: 1,
    bottle: "dev",
    secrets: [
      { host: "API.x.com", scheme: "bearer", value: REAL, placeholder: "placeholder-1" },
      {
        host: "a.com",
        path_prefix: "/v1/",
        scheme: "x-api-key",
        value: "k1",
        placeholder: "placeholder-2",
      },
      {
        host: "b.com",
        scheme: "header",
        header: "X-Token",
        value: "k2",
        placeholder: "placeholder-3",
      },
      { host: "c.com", scheme: "basic", value: "u:p", placeholder: "placeholder-4" },
    ],
  }, "dev");
  assert.equal(table.forRoute("api.x.com")?.header, "Authorization");
  assert.equal(table.forRoute("a.com/v1/")?.header, "x-api-key");
  assert.equal(table.forRoute("b.com")?.header, "X-Token");
  assert.equal(table.forRoute("c.com")?.scheme, "basic");
  assert.equal(table.forRoute("a.com"), undefined);
  assert.ok(table.placeholderNeedles.length >= 4);
  assert.ok(table.valueNeedles.some((n) => n.label === "api.x.com"));
});

Deno.test("secrets: invalid files are refused without naming a value", () => {
  const bad = {
    version: 1,
    bottle: "dev",
    secrets: [
      {
        host: "a.com",
        scheme: "bearer",
        value: "line\nbreak-secret",
        placeholder: "placeholder-1",
      },
      { host: "b.com", scheme: "header", value: "v", placeholder: "placeholder-2" },
      { host: "c.com", scheme: "bearer", value: "v", placeholder: "short" },
      { host: "d.com", scheme: "magic", value: "v", placeholder: "placeholder-3" },
      { host: "e.com", scheme: "bearer", value: "same-value-1", placeholder: "same-value-1" },
      { host: "f.com", scheme: "header", header: "Host", value: "v", placeholder: "placeholder-4" },
    ],
  };
  assert.throws(() => compileSecrets(bad, "dev"), (error: Error) => {
    assert.ok(error instanceof SecretsError);
    for (
      const part of [
        "secrets[0].value",
        "secrets[1].header",
        "secrets[2].placeholder",
        "secrets[3].scheme",
        "secrets[4].placeholder",
        "secrets[5].header",
      ]
    ) {
      assert.ok(error.message.includes(part), `${part} in ${error.message}`);
    }
    assert.ok(!error.message.includes("break-secret") && !error.message.includes("same-value-1"));
    return true;
  });
  assert.throws(
    () => compileSecrets({ version: 1, bottle: "other", secrets: [] }, "dev"),
    /bottle/,
  );
  assert.throws(
    () =>
      compileSecrets({
        version: 1,
        bottle: "dev",
        secrets: [
          { host: "a.com", scheme: "bearer", value: "v1-abc", placeholder: "placeholder-1" },
          { host: "a.com", scheme: "bearer", value: "v2-abc", placeholder: "placeholder-2" },
        ],
      }, "dev"),
    /a second secret for route a\.com/,
  );
});
