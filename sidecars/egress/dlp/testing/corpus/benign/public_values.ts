/**
 * Values that look secret and are not: presigned download URLs, documentation placeholders,
 * Sentry DSNs and Stripe publishable keys (public by design), and URLs with a user and port.
 */
import { ALNUM, DIGITS, HEX, type Rng, UPPER } from "../../random.ts";
import { type AddCase, b64, CURL_HEADERS, get, send, uuid, version } from "./common.ts";
import { awsDocs } from "./documents.ts";

const JWT_IO =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0" +
  "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const SLACK_EXAMPLE =
  "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";

/** Presigned downloads, documentation placeholders, Sentry and Stripe, in that order. */
export function publicValueCases(r: Rng, add: AddCase): void {
  // ---- presigned downloads
  const date = "20240601T120000Z";
  for (let i = 0; i < 4; i++) {
    const repo = 100000000 + r.int(800000000);
    add(
      "presigned url",
      "GitHub release asset (S3 style)",
      "objects.githubusercontent.com",
      get(
        `/github-production-release-asset-2e65be/${repo}/${
          uuid(r)
        }?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
          `&X-Amz-Credential=releaseassetproduction%2F20240601%2Fus-east-1%2Fs3%2Faws4_request` +
          `&X-Amz-Date=${date}&X-Amz-Expires=300&X-Amz-Signature=${r.chars(HEX, 64)}` +
          `&X-Amz-SignedHeaders=host&actor_id=0&key_id=0&repo_id=${repo}` +
          `&response-content-disposition=attachment%3B%20filename%3Dtool-linux-amd64.tar.gz` +
          `&response-content-type=application%2Foctet-stream`,
        CURL_HEADERS,
      ),
    );
  }
  for (let i = 0; i < 3; i++) {
    add(
      "presigned url",
      "Cloudflare R2",
      "c0ffee00c0ffee00c0ffee00c0ffee00.r2.cloudflarestorage.com",
      get(
        `/builds/${
          uuid(r)
        }/app.tar.zst?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD` +
          `&X-Amz-Credential=${
            r.chars(HEX, 32)
          }%2F20240601%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=${date}` +
          `&X-Amz-Expires=3600&X-Amz-Signature=${
            r.chars(HEX, 64)
          }&X-Amz-SignedHeaders=host&x-id=GetObject`,
        CURL_HEADERS,
      ),
    );
    add(
      "presigned url",
      "MinIO",
      "minio.internal.example",
      get(
        `/artifacts/${uuid(r)}.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
          `&X-Amz-Credential=${
            r.chars(UPPER + DIGITS, 20).replace(/^AKIA|^ASIA/, "Q3AM")
          }%2F20240601%2Fus-east-1%2Fs3%2Faws4_request` +
          `&X-Amz-Date=${date}&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=${
            r.chars(HEX, 64)
          }`,
        CURL_HEADERS,
      ),
    );
    add(
      "presigned url",
      "GCS V4 signed URL",
      "storage.googleapis.com",
      get(
        `/acme-builds/${uuid(r)}/app.tar.gz?X-Goog-Algorithm=GOOG4-RSA-SHA256` +
          `&X-Goog-Credential=ci-uploader%40acme-prod.iam.gserviceaccount.com%2F20240601%2Fauto%2Fstorage%2Fgoog4_request` +
          `&X-Goog-Date=${date}&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=${
            r.chars(HEX, 512)
          }`,
        CURL_HEADERS,
      ),
    );
    add(
      "presigned url",
      "Azure blob SAS",
      "acmebuilds.blob.core.windows.net",
      get(
        `/releases/app-${
          version(r)
        }.zip?sp=r&st=2024-06-01T12:00:00Z&se=2024-06-01T20:00:00Z&spr=https` +
          `&sv=2022-11-02&sr=b&sig=${encodeURIComponent(b64(r.bytes(32)))}`,
        CURL_HEADERS,
      ),
    );
  }

  // ---- documentation placeholders
  const docsHost = "docs.example.dev";
  const textHeaders: [string, string][] = [["User-Agent", "node"], [
    "Content-Type",
    "text/markdown",
  ]];
  add(
    "doc placeholders",
    "AWS docs example keys (markdown)",
    docsHost,
    send("PUT", "/v1/pages/aws-setup.md", textHeaders, awsDocs()),
  );
  add(
    "doc placeholders",
    "AWS example keys (JSON)",
    docsHost,
    send(
      "POST",
      "/v1/snippets",
      [["Content-Type", "application/json"]],
      JSON.stringify({
        AccessKeyId: "AKIAIOSFODNN7EXAMPLE",
        SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      }),
    ),
  );
  add(
    "doc placeholders",
    "AWS example key id (search query)",
    docsHost,
    get("/search?q=AKIAIOSFODNN7EXAMPLE+invalid", CURL_HEADERS),
  );
  add(
    "doc placeholders",
    "jwt.io token (Authorization)",
    "httpbin.org",
    get("/bearer", [...CURL_HEADERS, ["Authorization", `Bearer ${JWT_IO}`]]),
  );
  add(
    "doc placeholders",
    "jwt.io token (markdown)",
    docsHost,
    send(
      "PUT",
      "/v1/pages/auth.md",
      textHeaders,
      `Try it:\n\n\`\`\`\ncurl -H "Authorization: Bearer ${JWT_IO}" https://httpbin.org/bearer\n\`\`\`\n`,
    ),
  );
  add(
    "doc placeholders",
    "Slack example webhook (markdown)",
    docsHost,
    send(
      "PUT",
      "/v1/pages/slack.md",
      textHeaders,
      `Set \`SLACK_WEBHOOK_URL\` to something like ${SLACK_EXAMPLE}.\n`,
    ),
  );
  add(
    "doc placeholders",
    "Slack example webhook (query)",
    docsHost,
    get(`/search?q=${encodeURIComponent(SLACK_EXAMPLE)}`, CURL_HEADERS),
  );

  // ---- Sentry (a DSN is public: it is shipped in every browser bundle)
  for (let i = 0; i < 3; i++) {
    const key = r.chars(HEX, 32);
    const org = `o${100000 + r.int(800000)}`;
    const project = 4500000 + r.int(100000);
    const dsn = `https://${key}@${org}.ingest.us.sentry.io/${project}`;
    const envelope = JSON.stringify({
      event_id: r.chars(HEX, 32),
      sent_at: "2024-06-01T12:00:00.000Z",
      sdk: { name: "sentry.javascript.node", version: "8.9.2" },
      dsn,
    }) + "\n" + JSON.stringify({ type: "event" }) + "\n" + JSON.stringify({
      exception: {
        values: [{
          type: "TypeError",
          value: "Cannot read properties of undefined (reading 'id')",
        }],
      },
      platform: "node",
      level: "error",
      environment: "production",
      release: "app@1.4.2",
    }) + "\n";
    add(
      "sentry dsn",
      "SDK envelope with DSN and X-Sentry-Auth",
      `${org}.ingest.us.sentry.io`,
      send(
        "POST",
        `/api/${project}/envelope/`,
        [
          ["Content-Type", "application/x-sentry-envelope"],
          [
            "X-Sentry-Auth",
            `Sentry sentry_version=7, sentry_key=${key}, sentry_client=sentry.javascript.node/8.9.2`,
          ],
        ],
        envelope,
      ),
    );
    add(
      "sentry dsn",
      "DSN in source",
      "artifacts.ci.example.com",
      send(
        "PUT",
        `/v1/artifacts/${uuid(r)}/sentry.client.config.ts`,
        [["Content-Type", "text/plain"]],
        `import * as Sentry from "@sentry/nextjs";\n\nSentry.init({\n  dsn: "${dsn}",\n  tracesSampleRate: 0.1,\n});\n`,
      ),
    );
  }

  // ---- Stripe publishable keys (public by design)
  for (let i = 0; i < 2; i++) {
    const pk = `pk_live_51${r.chars(ALNUM, 97)}`;
    add(
      "stripe publishable key",
      "Stripe.js form with key=pk_live_…",
      "api.stripe.com",
      send(
        "POST",
        "/v1/payment_methods",
        [["Content-Type", "application/x-www-form-urlencoded"], ["User-Agent", "Mozilla/5.0"]],
        `type=card&billing_details[name]=Jane+Doe&guid=${uuid(r)}&muid=${uuid(r)}&sid=${uuid(r)}` +
          `&payment_user_agent=stripe.js%2F${r.chars(HEX, 10)}&time_on_page=${
            r.int(99999)
          }&key=${pk}`,
      ),
    );
    add(
      "stripe publishable key",
      "pk_live_… in checkout source",
      "artifacts.ci.example.com",
      send(
        "PUT",
        `/v1/artifacts/${uuid(r)}/checkout.ts`,
        [["Content-Type", "text/plain"]],
        `import { loadStripe } from "@stripe/stripe-js";\nexport const stripe = loadStripe("${pk}");\n`,
      ),
    );
  }
}

/** URLs with users and ports. */
export function userinfoUrlCases(r: Rng, add: AddCase): void {
  // ---- URLs with users and ports
  const urls = [
    "git@github.com:acme/app.git",
    "ssh://git@github.com:22/acme/app.git",
    "https://dev@bitbucket.org/team/repo.git",
    "postgres://app@db.internal:5432/app",
    "redis://cache.internal:6379/0",
    "amqp://rabbitmq:5672/%2f",
    "http://localhost:3000/api/health",
    "https://user@example.com:8443/path?x=1",
  ];
  for (const url of urls) {
    add(
      "urls with user@host",
      `${url.split(":")[0]} URL in a query`,
      "api.osv.dev",
      get(`/v1/resolve?url=${encodeURIComponent(url)}`, CURL_HEADERS),
    );
  }
  add(
    "urls with user@host",
    "remotes and services in a config body",
    "artifacts.ci.example.com",
    send(
      "PUT",
      `/v1/artifacts/${uuid(r)}/config.txt`,
      [["Content-Type", "text/plain"]],
      urls.map((u, i) => `remote${i} = ${u}`).join("\n") + "\n",
    ),
  );
}
