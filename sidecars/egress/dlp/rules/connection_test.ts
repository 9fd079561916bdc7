import assert from "node:assert/strict";
import { createDlpEngine } from "../engine.ts";

const engine = createDlpEngine({ rules: {}, bottleSecrets: [], maxBodyBytes: 1 << 20 });
const PASSWORD = "Xk9vQ2mPz7LrT4wN";

function findings(text: string): string[] {
  const scan = engine.scanBody("example.com", "text/plain", null);
  const found = [...scan.push(new TextEncoder().encode(`${text}\n`)), ...scan.end()];
  return found.map((f) => f.rule);
}

Deno.test("url-credentials: every scheme, the user optional, in a body, JSON, URL, header", () => {
  const urls = [
    `postgres://app:${PASSWORD}@db:5432/x`,
    `redis://:${PASSWORD}@cache:6379/0`,
    `jdbc:mysql://app:${PASSWORD}@h:3306/x`,
    `mongodb+srv://u:${PASSWORD}@c.mongodb.net/db`,
    `amqps://u:${PASSWORD}@mq:5671`,
    `sqlserver://sa:${PASSWORD}@sql:1433`,
    `ldaps://cn=admin,dc=x:${PASSWORD}@ad:636`,
    `https://deploy:${PASSWORD}@git.example.com/r.git`,
    `postgres://app:p%40ss${PASSWORD}@db/x`,
    `postgres://app:${PASSWORD}@ss@db/x`,
    `s3://AKID:${encodeURIComponent(btoa("k/+=" + PASSWORD))}@bucket`,
  ];
  for (const url of urls) {
    assert.deepEqual(findings(url), ["url-credentials"], url);
    assert.deepEqual(findings(JSON.stringify({ url })), ["url-credentials"], `${url} in JSON`);
    const slashes = JSON.stringify({ url }).replaceAll("/", "\\/");
    assert.deepEqual(findings(slashes), ["url-credentials"], `${url} in JSON with \\/`);
    const query = engine.scanUrl("h", `/x?db=${encodeURIComponent(url)}`).map((f) => f.rule);
    assert.deepEqual(query, ["url-credentials"], `${url} in a query`);
    const header = engine.scanHeaders("h", [{ name: "X-Db", value: url }]).map((f) => f.rule);
    assert.deepEqual(header, ["url-credentials"], `${url} in a header`);
  }
});

Deno.test("url-credentials: placeholders, hosts with ports, users alone and DSNs pass", () => {
  const passwords = [
    "${DB_PASSWORD}",
    "$DB_PASSWORD",
    "{{ .pw }}",
    "<password>",
    "%s",
    "password",
    "pass",
    "secret",
    "changeme",
    "xxx",
    "***",
    "****",
    "example",
    "PASSWORD",
    "your_password",
    "P@ssw0rd!",
    "admin123",
    "postgres",
  ];
  for (const p of passwords) assert.deepEqual(findings(`postgres://app:${p}@db/x`), [], p);
  for (
    const text of [
      "https://user@host/x",
      "git@github.com:org/repo.git",
      "http://localhost:8080/",
      "ssh://git@host:22/x",
      "https://host:443@evil.com/",
      "http://localhost:4873/@babel/core/-/core-7.0.0.tgz",
      "git+ssh://git@github.com:org/repo.git@v1.0",
      "http://[::1]:8080/npm/@scope/pkg",
      "amqp://guest:guest@localhost:5672/",
      "ftp://anonymous:someone@example.org@ftp.example.org/",
      "https://0123456789abcdef0123456789abcdef:fedcba9876543210fedcba9876543210@sentry.io/1",
      `https://ghp_token_in_user:x-oauth-basic@github.com/o/r.git`,
    ]
  ) {
    assert.deepEqual(findings(text), [], text);
  }
});
