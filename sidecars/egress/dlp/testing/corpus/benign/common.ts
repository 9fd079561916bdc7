/** What every family of benign cases shares: package names, small encoders, request builders. */
import { Buffer } from "node:buffer";
import { HEX, type Rng } from "../../random.ts";
import type { Transport, WireRequest } from "../wire.ts";
import { utf8Bytes } from "../../../../../../lib/bytes.ts";

/** Adds one benign case (a single request) of `family`. */
export type AddCase = (
  family: string,
  name: string,
  host: string,
  request: WireRequest,
  transports?: readonly Transport[],
) => void;

export const HTTPS_ONLY: readonly Transport[] = ["https"];

export const PACKAGES = [
  "react",
  "lodash",
  "express",
  "typescript",
  "@types/node",
  "vite",
  "zod",
  "@babel/core",
  "eslint",
  "left-pad",
  "undici",
  "commander",
];
export const CRATES = ["serde", "tokio", "anyhow", "clap", "regex", "rand", "syn", "quote"];
export const PY = ["requests", "numpy", "pydantic", "urllib3", "certifi", "idna", "fastapi"];
export const GO = ["github.com/!burnt!sushi/toml", "golang.org/x/sync", "github.com/spf13/cobra"];

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

export function uuid(r: Rng): string {
  const h = r.chars(HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${
    h.slice(20)
  }`;
}

export function version(r: Rng): string {
  return `${r.int(20)}.${r.int(40)}.${r.int(30)}`;
}

export function get(path: string, headers: [string, string][]): WireRequest {
  return { method: "GET", path, headers };
}

export function send(
  method: string,
  path: string,
  headers: [string, string][],
  body: Uint8Array | string,
): WireRequest {
  return { method, path, headers, body: typeof body === "string" ? utf8Bytes(body) : body };
}

/** pip's request headers. */
export const PIP_HEADERS: [string, string][] = [
  [
    "User-Agent",
    'pip/24.2 {"ci":null,"cpu":"x86_64","implementation":{"name":"CPython","version":"3.12.3"}}',
  ],
  [
    "Accept",
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01",
  ],
  ["Accept-Encoding", "gzip, deflate"],
];

/** curl's request headers. */
export const CURL_HEADERS: [string, string][] = [["User-Agent", "curl/8.5.0"], ["Accept", "*/*"]];
