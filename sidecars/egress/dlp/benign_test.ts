import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { createDlpEngine } from "./engine.ts";
import type { DlpFinding } from "./types.ts";
import {
  base64Image,
  configFiles,
  DOCUMENTATION_SNIPPETS,
  gitPack,
  idsJson,
  lockfiles,
  modelRequestBody,
  ordinaryHeaders,
  packageJson,
  presignedUrls,
  registryMetadata,
  sourceCode,
  tarball,
} from "./testing/benign.ts";
import { pushChunked } from "./testing/carriers.ts";
import { HEX, Rng } from "./testing/random.ts";

const engine = createDlpEngine({
  rules: {},
  bottleSecrets: [
    { id: "api.anthropic.com", value: "sk-ant-api03-RealLookingButOnlyHere0123456789" },
    { id: "api.github.com", value: "ghp_NotInAnyBenignTraffic0123456789abcd" },
  ],
  maxBodyBytes: 1 << 24,
});

function describe(findings: DlpFinding[]): string {
  return findings.map((f) => `${f.rule} (${f.detail})`).join("; ");
}

const encoder = new TextEncoder();

Deno.test("benign: npm install traffic, git, source, images, ids, headers yield no findings", () => {
  for (let seed = 1; seed <= 4; seed++) {
    const r = new Rng(seed);
    const bodies: [string, Uint8Array, string, string | null][] = [
      ["package.json", encoder.encode(packageJson(r)), "application/json", null],
      ["registry metadata", encoder.encode(registryMetadata(r, 200)), "application/json", null],
      ["registry metadata gz", zlib.gzipSync(registryMetadata(r, 100)), "application/json", "gzip"],
      ["tarball", tarball(r, 300_000), "application/octet-stream", null],
      ["git pack", gitPack(r, 300), "application/x-git-upload-pack-request", null],
      ["source", encoder.encode(sourceCode(r, 20_000)), "text/plain", null],
      ["source br", zlib.brotliCompressSync(sourceCode(r, 5_000)), "text/x-typescript", "br"],
      ["image", encoder.encode(base64Image(r, 600_000)), "text/plain", null],
      ["ids", encoder.encode(idsJson(r, 3_000)), "application/json", null],
      ["binary", r.bytes(500_000), "application/octet-stream", null],
      [
        "form",
        encoder.encode(
          `q=${encodeURIComponent(sourceCode(r, 200))}&page=2&session_id=${r.chars(HEX, 16)}`,
        ),
        "application/x-www-form-urlencoded",
        null,
      ],
      [
        "multipart",
        encoder.encode(
          `--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n` +
            `Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
            `${Buffer.from(r.bytes(30_000)).toString("base64")}\r\n--b--\r\n`,
        ),
        "multipart/form-data; boundary=b",
        null,
      ],
    ];
    for (const [name, data, type, encoding] of bodies) {
      const findings = pushChunked(engine, data, type, encoding, r);
      assert.deepEqual(findings, [], `${name}: ${describe(findings)}`);
    }
  }
});

Deno.test("benign: ordinary URLs and headers, JWT-less Authorization", () => {
  const r = new Rng(9);
  const sha = r.chars(HEX, 40);
  const urls = [
    "/left-pad",
    "/left-pad/-/left-pad-1.3.0.tgz",
    "/-/v1/search?text=keywords:react&size=20&from=0&quality=0.65",
    `/repos/acme/app/commits/${sha}?per_page=100&page=2`,
    `/repo.git/info/refs?service=git-upload-pack`,
    `/v1/objects/${r.chars(HEX, 64)}`,
    "/api/v2/users?email=dev%40example.com&token_type=bearer&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb",
    "/search?q=how+to+rotate+an+api+key&hl=en",
    `/download/${crypto.randomUUID()}/file.zip?expires=1735689600`,
  ];
  for (const url of urls) {
    assert.deepEqual(engine.scanUrl("registry.npmjs.org", url), [], url);
  }
  for (let i = 0; i < 50; i++) {
    const headers = ordinaryHeaders(r);
    assert.deepEqual(engine.scanHeaders("registry.npmjs.org", headers), []);
  }
  const auth = [
    "Bearer bb_placeholder_" + r.chars(HEX, 32),
    "Basic " + btoa("user:pass"),
    "token bb_placeholder_" + r.chars(HEX, 32),
    'Digest username="u", realm="r", nonce="' + r.chars(HEX, 32) + '", response="' +
    r.chars(HEX, 32) + '"',
  ];
  for (const value of auth) {
    assert.deepEqual(engine.scanHeaders("h", [{ name: "Authorization", value }]), [], value);
  }
});

Deno.test("benign: code that names secrets without holding them", () => {
  const code = [
    'const token = "";',
    "const password = process.env.DB_PASSWORD;",
    'password: "changeme",',
    "api_key = os.environ['API_KEY']",
    'secret: "${{ secrets.DEPLOY_KEY }}"',
    "token = getToken(user, scopes)",
    'DB_PASSWORD="<your password here>"',
    'client_secret: "YOUR_CLIENT_SECRET"',
    "passwordHash = '$2b$12$" + "a".repeat(53) + "'",
    '"max_tokens": 4096, "input_tokens": 1200',
    '"nextPageToken": "CAEQAhoMCgoIARIGMTIzNDU2"',
    'csrf_token = "a8f5f167f44f4964e6c998dee827110c"',
    '"tokenizer": "cl100k_base"',
    "AKIAIOSFODNN7EXAMPLE is the documented example key",
    "const PEM_HEADER = '-----BEGIN RSA PRIVATE KEY-----';",
  ].join("\n");
  const findings = pushChunked(engine, encoder.encode(code), "text/plain", null, new Rng(2));
  assert.deepEqual(findings, [], describe(findings));
});

Deno.test("benign: lockfiles and configuration files, raw and inside JSON", () => {
  for (let seed = 1; seed <= 3; seed++) {
    const r = new Rng(seed);
    for (const [name, text] of [...lockfiles(r), ...configFiles(r)]) {
      for (
        const [type, body] of [["text/plain", text], ["application/json", JSON.stringify({ text })]]
      ) {
        const findings = pushChunked(engine, encoder.encode(body), type, null, r);
        assert.deepEqual(findings, [], `${name} as ${type}: ${describe(findings)}`);
      }
    }
  }
});

Deno.test("benign: presigned downloads in URLs, bodies and headers", () => {
  for (let seed = 1; seed <= 5; seed++) {
    const r = new Rng(seed);
    for (const [host, url] of presignedUrls(r)) {
      assert.deepEqual(engine.scanUrl(host, url), [], url);
      const body = JSON.stringify({ url: `https://${host}${url}` });
      const findings = pushChunked(engine, encoder.encode(body), "application/json", null, r);
      assert.deepEqual(findings, [], `${url}: ${describe(findings)}`);
      const headers = [{ name: "Location", value: `https://${host}${url}` }];
      assert.deepEqual(engine.scanHeaders(host, headers), [], url);
    }
  }
  const token = Buffer.from(new Rng(3).bytes(400)).toString("base64");
  assert.deepEqual(
    engine.scanHeaders("s3.amazonaws.com", [{ name: "X-Amz-Security-Token", value: token }]),
    [],
  );
});

Deno.test("benign: model API requests carrying tool output", () => {
  for (let seed = 1; seed <= 3; seed++) {
    const r = new Rng(seed);
    const body = modelRequestBody(r, sourceCode(r, 300));
    const findings = pushChunked(engine, encoder.encode(body), "application/json", null, r);
    assert.deepEqual(findings, [], describe(findings));
    const gz = pushChunked(engine, zlib.gzipSync(body), "application/json", "gzip", r);
    assert.deepEqual(gz, [], describe(gz));
  }
});

Deno.test("benign: documentation examples and public-by-design values", () => {
  const r = new Rng(4);
  for (const snippet of DOCUMENTATION_SNIPPETS) {
    const raw = pushChunked(engine, encoder.encode(`${snippet}\n`), "text/plain", null, r);
    assert.deepEqual(raw, [], `${snippet}: ${describe(raw)}`);
    const json = JSON.stringify({ content: snippet });
    const inJson = pushChunked(engine, encoder.encode(json), "application/json", null, r);
    assert.deepEqual(inJson, [], `${snippet} in JSON: ${describe(inJson)}`);
    const inUrl = engine.scanUrl("example.com", `/search?q=${encodeURIComponent(snippet)}`);
    assert.deepEqual(inUrl, [], `${snippet} in a URL: ${describe(inUrl)}`);
  }
});
