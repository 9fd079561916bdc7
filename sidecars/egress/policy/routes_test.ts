import assert from "node:assert/strict";
import {
  type CompiledRoute,
  compileRoutes,
  isPassthrough,
  matchRoute,
  parseOrigin,
} from "./routes.ts";

function routes(...items: unknown[]): CompiledRoute[] {
  const problems: string[] = [];
  const compiled = compileRoutes(items, problems);
  assert.deepEqual(problems, []);
  return compiled;
}

Deno.test("routes: host exact, longest path prefix wins", () => {
  const table = routes(
    { host: "api.x.com", passthrough: false },
    { host: "api.x.com", path_prefix: "/v1/", passthrough: false },
    { host: "api.x.com", path_prefix: "/v1/admin/", passthrough: false },
  );
  assert.equal(matchRoute(table, "api.x.com", "/v1/admin/users")?.id, "api.x.com/v1/admin/");
  assert.equal(matchRoute(table, "api.x.com", "/v1/models?x=1")?.id, "api.x.com/v1/");
  assert.equal(matchRoute(table, "api.x.com", "/v2")?.id, "api.x.com");
  assert.equal(matchRoute(table, "sub.api.x.com", "/v1/"), null);
  assert.equal(matchRoute(table, "x.com", "/"), null);
});

Deno.test("routes: dot segments never match a prefixed route", () => {
  const table = routes({ host: "a.com", path_prefix: "/v1/", passthrough: false });
  for (const path of ["/v1/../admin", "/v1/%2e%2e/admin", "/v1/%2E./x", "/v1/.", "/v1/..%2fx"]) {
    assert.equal(matchRoute(table, "a.com", path), null, path);
  }
  assert.equal(matchRoute(table, "a.com", "/v1/a..b/c")?.id, "a.com/v1/");
});

Deno.test("routes: passthrough is per host", () => {
  const table = routes({ host: "Raw.X.com", passthrough: true }, {
    host: "a.com",
    passthrough: false,
  });
  assert.ok(isPassthrough(table, "raw.x.com"));
  assert.ok(!isPassthrough(table, "a.com"));
});

Deno.test("routes: origins", () => {
  assert.deepEqual(parseOrigin("https://GW.example.com"), {
    scheme: "https",
    host: "gw.example.com",
    port: 443,
  });
  assert.deepEqual(parseOrigin("http://10.0.0.5:8080/"), {
    scheme: "http",
    host: "10.0.0.5",
    port: 8080,
  });
  assert.deepEqual(parseOrigin("https://[::1]:9443")?.host, "[::1]");
  for (const bad of ["ftp://x", "https://x/path", "https://u@x", "https://x:99999", "x.com"]) {
    assert.equal(parseOrigin(bad), null, bad);
  }
});
