/**
 * Benign traffic for false-positive tests and throughput: npm install traffic, git pack
 * data, source code that names tokens and passwords without holding any, base64 images,
 * JSON full of UUIDs, git SHAs and sha256 digests, ordinary headers.
 */
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { HEX, LOWER, type Rng, uuid } from "./random.ts";

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function hex(rng: Rng, n: number): string {
  return rng.chars(HEX, n);
}

function word(rng: Rng): string {
  return rng.pick([
    "request",
    "response",
    "handler",
    "config",
    "session",
    "user",
    "item",
    "buffer",
    "stream",
    "result",
    "options",
    "client",
    "server",
    "router",
    "cache",
  ]);
}

const TS_SNIPPETS = [
  'const token = "";',
  "const token = process.env.GITHUB_TOKEN ?? '';",
  'let password = "changeme";',
  "const password: string = options.password;",
  "const apiKey = config.apiKey;",
  'const secret = Deno.env.get("CLIENT_SECRET");',
  "headers.set('Authorization', `Bearer ${token}`);",
  "if (!token) throw new Error('missing token: set GITHUB_TOKEN');",
  "export interface Credentials { username: string; password: string; token?: string }",
  "const tokenizer = new Tokenizer({ maxTokens: 4096 });",
  "const { accessToken, refreshToken } = await oauth.exchange(code);",
  "password = await prompt('Password: ');",
  "// The secret is read from the environment; never log it.",
  "const hash = createHash('sha256').update(secret).digest('hex');",
  "const pageToken = response.nextPageToken;",
  "csrfToken = cookies.get('csrftoken');",
  "const DEFAULT_PASSWORD_LENGTH = 16;",
  "api_key: ${{ secrets.API_KEY }}",
  'password: "${DB_PASSWORD}"',
  "for (let i = 0; i < items.length; i++) total += items[i].price * 1.07;",
  "return fetch(`https://api.example.com/v1/items/${id}`, { headers });",
  'import { assertEquals } from "jsr:@std/assert@1";',
  "const re = /^[A-Za-z0-9_-]{20,}$/;",
  "throw new TypeError(`expected a string, got ${typeof value}`);",
  'self.session_token = os.environ.get("SESSION_TOKEN", "")',
  'DATABASE_URL = "postgres://app@localhost:5432/app"',
  "token_type = 'Bearer'",
  "max_tokens=1024, temperature=0.2,",
];

export function sourceCode(rng: Rng, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const indent = "  ".repeat(rng.int(4));
    if (rng.int(3) === 0) out.push(indent + rng.pick(TS_SNIPPETS));
    else {
      out.push(
        `${indent}const ${word(rng)}${rng.int(100)} = await ${word(rng)}.${word(rng)}(${
          word(rng)
        }, ${rng.int(1000)});`,
      );
    }
  }
  return out.join("\n") + "\n";
}

export function packageJson(rng: Rng): string {
  const deps: Record<string, string> = {};
  for (let i = 0; i < 12; i++) {
    deps[`${word(rng)}-${word(rng)}`] = `^${rng.int(9)}.${rng.int(30)}.0`;
  }
  return JSON.stringify(
    {
      name: `@acme/${word(rng)}`,
      version: "1.4.2",
      scripts: { build: "tsc -p .", test: "vitest run", lint: "eslint ." },
      dependencies: deps,
      devDependencies: { typescript: "^5.6.0" },
    },
    null,
    2,
  );
}

/** An npm registry packument: versions with integrity (sha512, base64), shasum, tarball URLs. */
export function registryMetadata(rng: Rng, versions: number): string {
  const entries: Record<string, unknown> = {};
  for (let v = 0; v < versions; v++) {
    const version = `1.${rng.int(20)}.${v}`;
    entries[version] = {
      name: "left-pad",
      version,
      dist: {
        integrity: `sha512-${b64(rng.bytes(64))}`,
        shasum: hex(rng, 40),
        tarball: `https://registry.npmjs.org/left-pad/-/left-pad-${version}.tgz`,
        fileCount: rng.int(40),
        unpackedSize: rng.int(100000),
        signatures: [{
          keyid: `SHA256:${b64(rng.bytes(32)).replace(/=+$/, "")}`,
          sig: b64(rng.bytes(71)),
        }],
      },
      _npmUser: { name: rng.chars(LOWER, 8), email: `${rng.chars(LOWER, 6)}@example.com` },
      gitHead: hex(rng, 40),
    };
  }
  return JSON.stringify({ _id: "left-pad", "dist-tags": { latest: "1.3.0" }, versions: entries });
}

/** Tarball-ish bytes: a gzip member of random-ish content. */
export function tarball(rng: Rng, size: number): Uint8Array {
  return zlib.gzipSync(rng.bytes(size));
}

/** Git pack-ish bytes: a header, random object ids and zlib-deflated blobs. */
export function gitPack(rng: Rng, objects: number): Uint8Array {
  const parts: Uint8Array[] = [new TextEncoder().encode("PACK\0\0\0\x02")];
  for (let i = 0; i < objects; i++) {
    parts.push(rng.bytes(20));
    parts.push(zlib.deflateSync(new TextEncoder().encode(sourceCode(rng, 20))));
    parts.push(zlib.deflateSync(rng.bytes(200)));
  }
  return Buffer.concat(parts);
}

export function base64Image(rng: Rng, bytes: number): string {
  return `data:image/png;base64,${b64(rng.bytes(bytes))}`;
}

/** JSON records with UUIDs, git SHAs and sha256 digests. */
export function idsJson(rng: Rng, records: number): string {
  const rows = [];
  for (let i = 0; i < records; i++) {
    rows.push({
      id: uuid(rng),
      requestId: uuid(rng),
      commit: hex(rng, 40),
      tree: hex(rng, 40),
      sha256: hex(rng, 64),
      etag: `"${hex(rng, 32)}"`,
      createdAt: new Date(1700000000000 + rng.int(1e9)).toISOString(),
      name: `${word(rng)}-${rng.int(1000)}`,
    });
  }
  return JSON.stringify(rows);
}

export function ordinaryHeaders(rng: Rng): { name: string; value: string }[] {
  return [
    { name: "Host", value: "registry.npmjs.org" },
    { name: "User-Agent", value: "npm/10.8.2 node/v22.11.0 linux x64 workspaces/false" },
    {
      name: "Accept",
      value: "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8",
    },
    { name: "Accept-Encoding", value: "gzip, deflate, br" },
    { name: "Cookie", value: `sid=${hex(rng, 16)}; theme=dark; lang=en-US` },
    { name: "If-None-Match", value: `W/"${hex(rng, 40)}"` },
    { name: "X-Request-Id", value: uuid(rng) },
    { name: "npm-session", value: hex(rng, 16) },
    { name: "Authorization", value: "Bearer bb_placeholder_" + hex(rng, 32) },
    { name: "Content-Type", value: "application/json; charset=utf-8" },
    { name: "Cache-Control", value: "no-cache" },
    { name: "traceparent", value: `00-${hex(rng, 32)}-${hex(rng, 16)}-01` },
  ];
}

/** The throughput corpus: source code, a base64 image, and JSON with UUIDs and SHAs. */
export function mixedCorpus(rng: Rng, size: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const part = [
      sourceCode(rng, 400),
      base64Image(rng, 24_000),
      idsJson(rng, 120),
      registryMetadata(rng, 20),
    ][parts.length % 4];
    parts.push(part);
    length += part.length;
  }
  return parts.join("\n").slice(0, size);
}

export {
  cargoLock,
  denoLock,
  goSum,
  lockfiles,
  packageLockJson,
  pnpmLock,
  poetryLock,
  requirementsWithHashes,
  yarnLock,
} from "./benign_lockfiles.ts";
export {
  configFiles,
  dockerCompose,
  envOutput,
  githubWorkflow,
  gitlabCi,
  kubernetesSecret,
  npmrc,
  supabasePublicJwt,
  terraform,
} from "./benign_configs.ts";
export { DOCUMENTATION_SNIPPETS, modelRequestBody, presignedUrls } from "./benign_requests.ts";
