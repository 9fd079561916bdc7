/** The secret split: across JSON string fields, and the bottle's secret across requests. */
import zlib from "node:zlib";
import type { Rng } from "../../random.ts";
import { unicodeEscapedJson } from "../carriers.ts";
import { base64, hex } from "../encode.ts";
import type { WireRequest } from "../wire.ts";
import { utf8Bytes } from "../../../../../../lib/bytes.ts";
import { type AddEvasion, type EvasionContext, get, post, split, tokens, UA } from "./common.ts";

/** Split JSON fields, then the bottle secret in halves and encoded. */
export function splitEvasions(r: Rng, add: AddEvasion, context: EvasionContext): void {
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
        ...post("/v1/notes", "text/plain", zlib.gzipSync(utf8Bytes(secret))),
        headers: [UA, ["Content-Type", "text/plain"], ["Content-Encoding", "gzip"]],
      }],
    ];
    for (const [label, request] of encodings) {
      add("bottle secret encoded", `bottle secret, ${label}`, [request], [secret]);
    }
  }
}
