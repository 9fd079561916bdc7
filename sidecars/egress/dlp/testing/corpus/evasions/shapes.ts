/**
 * Forms a naive scanner skips: connection strings, a bare Mailgun key, a secret as a header
 * name, an AWS key pair inside base64 JSON.
 */
import { HEX, type Rng } from "../../random.ts";
import { sample } from "../../samples.ts";
import { base64 } from "../encode.ts";
import type { WireRequest } from "../wire.ts";
import { type AddEvasion, available, get, post, strongPassword } from "./common.ts";

/** Connection strings, Mailgun keys, header names, an AWS key pair in base64 JSON. */
export function shapeEvasions(r: Rng, add: AddEvasion): void {
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
}
