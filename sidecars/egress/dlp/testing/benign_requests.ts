/**
 * Requests a coding agent makes that look secret-heavy but hold no credential: presigned
 * downloads (AWS SigV4 scoped to non-key credentials, GCS, Azure SAS, CloudFront, GitHub
 * release assets), model API bodies carrying tool output, and documentation placeholders.
 */
import { Buffer } from "node:buffer";
import { ALNUM, HEX, LOWER, type Rng, UPPER } from "./random.ts";
import { configFiles, envOutput } from "./benign_configs.ts";
import { cargoLock, packageLockJson } from "./benign_lockfiles.ts";

function hex(rng: Rng, n: number): string {
  return rng.chars(HEX, n);
}

function b64(rng: Rng, bytes: number): string {
  return Buffer.from(rng.bytes(bytes)).toString("base64");
}

function b64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

const enc = encodeURIComponent;

function sigV4Query(credential: string, rng: Rng, token = false): string {
  return `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${enc(credential)}` +
    "&X-Amz-Date=20250101T000000Z&X-Amz-Expires=300" +
    (token ? `&X-Amz-Security-Token=${enc(b64(rng, 300))}` : "") +
    `&X-Amz-Signature=${hex(rng, 64)}&X-Amz-SignedHeaders=host`;
}

/** A GitHub release-asset download link: a signed JWT for release-assets.githubusercontent.com. */
function githubAssetJwt(rng: Rng): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(JSON.stringify({
    iss: "github.com",
    aud: "release-assets.githubusercontent.com",
    key: "key1",
    exp: 1735689900,
    nbf: 1735689600,
    path: "releaseassetproduction.blob.core.windows.net",
  }));
  return `${header}.${payload}.${rng.chars(ALNUM + "-_", 43)}`;
}

/** Presigned and signed download URLs: [host, path and query]. */
export function presignedUrls(rng: Rng): [string, string][] {
  const date = "20250101";
  const disposition = `response-content-disposition=${enc("attachment; filename=tool.tar.gz")}`;
  const sas = `sv=2023-11-03&ss=b&srt=sco&sp=r&se=2025-01-01T01%3A00%3A00Z` +
    `&st=2025-01-01T00%3A00%3A00Z&spr=https&sig=${enc(b64(rng, 32))}`;
  return [
    [
      "objects.githubusercontent.com",
      `/github-production-release-asset-2e65be/${rng.int(1e9)}/${crypto.randomUUID()}?` +
      sigV4Query(`releaseassetproduction/${date}/us-east-1/s3/aws4_request`, rng) +
      `&actor_id=0&key_id=0&repo_id=${rng.int(1e9)}&${disposition}` +
      "&response-content-type=application%2Foctet-stream",
    ],
    [
      "release-assets.githubusercontent.com",
      `/github-production-release-asset/${rng.int(1e9)}/${crypto.randomUUID()}?${sas}` +
      `&rscd=${enc("attachment; filename=tool.tar.gz")}&rsct=application%2Foctet-stream` +
      `&skoid=${crypto.randomUUID()}&sktid=${crypto.randomUUID()}&skt=2025-01-01T00%3A00%3A00Z` +
      `&jwt=${githubAssetJwt(rng)}&filename=tool.tar.gz&${disposition}`,
    ],
    [
      `${hex(rng, 32)}.r2.cloudflarestorage.com`,
      `/bucket/build.zip?${sigV4Query(`${hex(rng, 32)}/${date}/auto/s3/aws4_request`, rng)}`,
    ],
    [
      "minio.internal:9000",
      `/artifacts/app.tgz?${sigV4Query(`minioadmin/${date}/us-east-1/s3/aws4_request`, rng)}`,
    ],
    [
      "bucket.s3.amazonaws.com",
      `/key.bin?${sigV4Query(`ci-runner/${date}/us-east-1/s3/aws4_request`, rng, true)}`,
    ],
    [
      "storage.googleapis.com",
      `/bucket/obj.tar?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=` +
      enc(
        `sa@proj-${rng.chars(LOWER, 6)}.iam.gserviceaccount.com/${date}/auto/storage/goog4_request`,
      ) +
      `&X-Goog-Date=20250101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host` +
      `&X-Goog-Signature=${hex(rng, 512)}`,
    ],
    [
      "storage.googleapis.com",
      `/bucket/obj.tar?GoogleAccessId=${enc(`sa@proj.iam.gserviceaccount.com`)}` +
      `&Expires=1735689600&Signature=${enc(b64(rng, 256))}`,
    ],
    ["acct.blob.core.windows.net", `/container/blob.zip?${sas}`],
    [
      "d111111abcdef8.cloudfront.net",
      `/video.mp4?Policy=${enc(b64(rng, 180))}&Signature=${
        b64(rng, 128).replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~")
      }&Key-Pair-Id=K${rng.chars(UPPER + "0123456789", 13)}`,
    ],
  ];
}

function toolResult(rng: Rng, content: string): Record<string, unknown> {
  return {
    type: "tool_result",
    tool_use_id: `toolu_01${rng.chars(ALNUM, 22)}`,
    content,
  };
}

/**
 * A Messages API request body: the conversation carries tool output (env, lockfiles,
 * configs, source), thinking signatures and ids.
 */
export function modelRequestBody(rng: Rng, source: string): string {
  const outputs = [
    envOutput(rng),
    source,
    packageLockJson(rng, 40),
    cargoLock(rng, 40),
    ...configFiles(rng).map(([, text]) => text),
  ];
  const messages = outputs.map((out, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: i % 2 === 0 ? [toolResult(rng, out)] : [
      { type: "thinking", thinking: "Reading the output.", signature: b64(rng, 300) },
      {
        type: "tool_use",
        id: `toolu_01${rng.chars(ALNUM, 22)}`,
        name: "Bash",
        input: { command: "cat docker-compose.yml" },
      },
    ],
  }));
  return JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 8192,
    system: [{
      type: "text",
      text: "You are a coding agent.",
      cache_control: { type: "ephemeral" },
    }],
    messages,
    metadata: { user_id: `user_${hex(rng, 64)}_account_${crypto.randomUUID()}` },
  });
}

/**
 * Documentation examples and public-by-design values: AWS's example keys, jwt.io's token,
 * Slack's example webhook, Stripe's documented test and publishable keys, GitHub docs'
 * token, a Sentry DSN, connection strings with placeholders and tutorial defaults.
 */
export const DOCUMENTATION_SNIPPETS: readonly string[] = [
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "AWS_SECRET_ACCESS_KEY=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
  "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFt" +
  "ZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
  "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'",
  'api_secret: "sk_test_4eC39HqLyjWDarjtT1zdp7dc"',
  "const stripe = Stripe('pk_test_TYooMQauvdEDq54NiTphI7jx');",
  "publishable_key = pk_live_51H8xAbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
  "token=ghp_16C7e42F292c6912E7710c838347Ae178B4a",
  "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  "ANTHROPIC_API_KEY=sk-ant-api03-" + "X".repeat(93) + "AA",
  "OPENAI_API_KEY=sk-proj-..." + "." + "  # your key here",
  "SENTRY_DSN=https://0123456789abcdef0123456789abcdef@o0.ingest.sentry.io/0",
  "dsn: https://a1b2c3d4e5f60718293a4b5c6d7e8f90@o447951.ingest.us.sentry.io/5678901",
  "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
  "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
  "mongodb+srv://<username>:<password>@cluster0.abcde.mongodb.net/?retryWrites=true",
  "postgresql://user:password@localhost:5432/mydb",
  "postgres://postgres:mysecretpassword@localhost:5432/postgres",
  "DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app",
  "mysql://root:$MYSQL_ROOT_PASSWORD@127.0.0.1:3306/app",
  "redis://:{{ .Values.redis.password }}@redis-master:6379",
  "amqp://guest:guest@localhost:5672/",
  "https://username:password@proxy.example.com:8080",
  "http://user:pass@127.0.0.1:3128",
  "ftp://anonymous:guest@ftp.gnu.org/gnu/",
  "sqlserver://sa:yourStrong(!)Password@localhost:1433",
  "smtp://apikey:%s@smtp.sendgrid.net:587",
  "ldap://cn=admin,dc=example,dc=org:<admin password>@ldap:389",
  "https://USER:TOKEN@github.com/org/repo.git",
  "https://x-access-token:****@github.com/org/repo.git",
  "https://oauth2:xxxxxxxxxxxx@gitlab.com/org/repo.git",
  "git clone https://user@bitbucket.org/team/repo.git",
  "git@github.com:org/repo.git",
  "ssh://git@github.com:22/org/repo.git",
  "http://localhost:8080/",
  "http://localhost:4873/@babel%2fcore/-/core-7.0.0.tgz",
  "https://registry.npmjs.org:443/@types/node@22",
  "docker://registry.local:5000/app@sha256:" + "0".repeat(64),
  "file://C:/Users/dev/assets/logo@2x.png",
  "https://medium.com/@someone/how-to-rotate-keys-1a2b3c",
];
