/**
 * The secret encoded: base64 at every alignment, base64url, hex, base32, UTF-16, reversed,
 * lower-cased; and encoded twice.
 */
import zlib from "node:zlib";
import type { Rng } from "../../random.ts";
import { sample } from "../../samples.ts";
import { base32, base64, base64url, hex, utf16 } from "../encode.ts";
import type { WireRequest } from "../wire.ts";
import { utf8Bytes } from "../../../../../../lib/bytes.ts";
import { type AddEvasion, available, get, mention, post, tokens, withAlignment } from "./common.ts";

/** Base64 offsets, base64url, hex, base32, UTF-16 JSON, reversed, a lower-cased AWS key id. */
export function encodingEvasions(r: Rng, add: AddEvasion): void {
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
      [post("/v1/blob", "text/plain", `data: ${base32(utf8Bytes(mention(s.text, false)))}\n`)],
      [s.secret],
      { forms: [base32(utf8Bytes(s.secret))] },
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
}

/** Base64 twice, and gzip then base64. */
export function layeredEvasions(r: Rng, add: AddEvasion): void {
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
        JSON.stringify({ blob: base64(zlib.gzipSync(utf8Bytes(mention(s.text, false)))) }),
      ),
    ], [s.secret]);
  });
}
