/**
 * HTTP/1.x message heads: an incremental, strict parser (CRLF line endings only, no
 * obs-fold, token-only header names, a size cap), a serialiser, and helpers that turn a
 * request target into host + port. Pure: bytes in, values out.
 *
 * Bytes are mapped to strings one-to-one (latin1), so a parsed and re-serialised head is
 * byte-identical apart from what the caller changed.
 */

import { concat, latin1, latin1Bytes } from "../../../lib/bytes.ts";
import { canonicalHost, parsePort } from "../../../lib/net/mod.ts";

export interface HeaderField {
  name: string;
  value: string;
}

export interface RequestHead {
  method: string;
  target: string;
  version: "HTTP/1.0" | "HTTP/1.1";
  headers: HeaderField[];
}

export interface ResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: HeaderField[];
}

export type HeadResult<T> =
  | { state: "incomplete" }
  | { state: "complete"; head: T; rest: Uint8Array }
  | { state: "error"; status: 400 | 431 | 505; message: string };

export const DEFAULT_MAX_HEAD_BYTES = 64 * 1024;
const MAX_HEADER_COUNT = 256;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

type Parsed<T> = { ok: true; head: T } | { ok: false; status: 400 | 505; message: string };

/** Feeds bytes until a complete head (ending in CRLF CRLF) has arrived. */
export class HeadParser<T> {
  private buffer: Uint8Array = new Uint8Array(0);
  private searchFrom = 0;

  constructor(
    private readonly parse: (text: string) => Parsed<T>,
    private readonly skipEmptyLines: boolean,
    private readonly maxBytes: number,
  ) {}

  /** Bytes received so far that are not yet part of a complete head. */
  get buffered(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): HeadResult<T> {
    this.buffer = concat([this.buffer, chunk]);
    if (this.skipEmptyLines) this.skipLeadingEmptyLines();
    const end = findHeadEnd(this.buffer, this.searchFrom);
    if (end < 0 || end > this.maxBytes) {
      if (this.buffer.length > this.maxBytes) {
        return { state: "error", status: 431, message: "message head is too large" };
      }
      this.searchFrom = Math.max(0, this.buffer.length - 3);
      return { state: "incomplete" };
    }
    const text = latin1(this.buffer.subarray(0, end - 4));
    const rest = this.buffer.slice(end);
    this.buffer = new Uint8Array(0);
    this.searchFrom = 0;
    const parsed = this.parse(text);
    if (!parsed.ok) return { state: "error", status: parsed.status, message: parsed.message };
    return { state: "complete", head: parsed.head, rest };
  }

  /** RFC 9112 §2.2: a server should ignore empty lines before the request line. */
  private skipLeadingEmptyLines(): void {
    let start = 0;
    while (this.buffer[start] === 0x0d && this.buffer[start + 1] === 0x0a) start += 2;
    if (start > 0) {
      this.buffer = this.buffer.slice(start);
      this.searchFrom = Math.max(0, this.searchFrom - start);
    }
  }
}

export function requestHeadParser(
  maxBytes: number = DEFAULT_MAX_HEAD_BYTES,
): HeadParser<RequestHead> {
  return new HeadParser(parseRequestText, true, maxBytes);
}

export function responseHeadParser(
  maxBytes: number = DEFAULT_MAX_HEAD_BYTES,
): HeadParser<ResponseHead> {
  return new HeadParser(parseResponseText, false, maxBytes);
}

type ParseError = { ok: false; status: 400 | 505; message: string };

function parseRequestText(text: string): Parsed<RequestHead> {
  const lines = text.split("\r\n");
  const match = /^([^ ]+) ([^ ]+) ([^ ]+)$/.exec(lines[0]);
  if (match === null) return fail(400, "malformed request line");
  const [, method, target, version] = match;
  if (!TOKEN.test(method)) return fail(400, "malformed request method");
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x20\x7f-\xff]/.test(target)) return fail(400, "malformed request target");
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
    return fail(505, `unsupported HTTP version ${JSON.stringify(version)}`);
  }
  const headers = parseHeaderLines(lines.slice(1));
  if (!Array.isArray(headers)) return headers;
  return { ok: true, head: { method, target, version, headers } };
}

function parseResponseText(text: string): Parsed<ResponseHead> {
  const lines = text.split("\r\n");
  const match = /^(HTTP\/1\.[01]) (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/.exec(lines[0]);
  if (match === null) return fail(400, "malformed status line");
  const headers = parseHeaderLines(lines.slice(1));
  if (!Array.isArray(headers)) return headers;
  const head = { version: match[1], status: Number(match[2]), reason: match[3] ?? "", headers };
  return { ok: true, head };
}

function fail(status: 400 | 505, message: string): ParseError {
  return { ok: false, status, message };
}

function parseHeaderLines(lines: string[]): HeaderField[] | ParseError {
  if (lines.length > MAX_HEADER_COUNT) return fail(400, "too many header fields");
  const headers: HeaderField[] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return fail(400, "malformed header field");
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!TOKEN.test(name)) return fail(400, "malformed header field name");
    if (!FIELD_VALUE.test(value)) return fail(400, "malformed header field value");
    headers.push({ name, value });
  }
  return headers;
}

function findHeadEnd(buffer: Uint8Array, from: number): number {
  for (let i = from; i + 3 < buffer.length; i++) {
    if (
      buffer[i] === 0x0d && buffer[i + 1] === 0x0a && buffer[i + 2] === 0x0d &&
      buffer[i + 3] === 0x0a
    ) {
      return i + 4;
    }
  }
  return -1;
}

/** Every value of header `name` (case-insensitive), comma-lists split and trimmed. */
export function headerList(headers: HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers
    .filter((h) => h.name.toLowerCase() === lower)
    .flatMap((h) => h.value.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

export function hasHeader(headers: HeaderField[], name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some((h) => h.name.toLowerCase() === lower);
}

/** True when a `Connection` header carries `token` (e.g. `close`, `keep-alive`). */
export function connectionHas(headers: HeaderField[], token: string): boolean {
  return headerList(headers, "connection").some((v) => v.toLowerCase() === token);
}

export function serializeRequestHead(head: RequestHead): Uint8Array {
  return serialize(`${head.method} ${head.target} ${head.version}`, head.headers);
}

export function serializeResponseHead(head: ResponseHead): Uint8Array {
  return serialize(`${head.version} ${head.status} ${head.reason}`, head.headers);
}

function serialize(startLine: string, headers: HeaderField[]): Uint8Array {
  const lines = [startLine, ...headers.map((h) => `${h.name}: ${h.value}`), "", ""];
  return latin1Bytes(lines.join("\r\n"));
}

export interface Authority {
  /** Canonical (see canonicalHost). */
  host: string;
  port: number;
}

/** `host:port` of a CONNECT request (port required; IPv6 in brackets). */
export function parseConnectAuthority(target: string): Authority | null {
  return parseAuthority(target, null);
}

export interface AbsoluteTarget extends Authority {
  scheme: "http" | "https";
  /** Origin-form: path and query, always starting with `/`. */
  path: string;
}

/** An absolute-form request target (`http://host[:port]/path?query`), as sent to a proxy. */
export function parseAbsoluteTarget(target: string): AbsoluteTarget | null {
  const match = /^(https?):\/\/([^/?#]*)([/?][^#]*)?$/i.exec(target);
  if (match === null) return null;
  const scheme = match[1].toLowerCase() as "http" | "https";
  const authority = parseAuthority(match[2], scheme === "http" ? 80 : 443);
  if (authority === null) return null;
  const rest = match[3] ?? "/";
  const path = rest.startsWith("?") ? `/${rest}` : rest;
  return { scheme, ...authority, path };
}

function parseAuthority(text: string, defaultPort: number | null): Authority | null {
  if (text.includes("@")) return null;
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d*))?$/.exec(text);
  if (match === null) return null;
  const [, rawHost, portText] = match;
  let port: number | null = defaultPort;
  if (portText !== undefined && portText !== "") port = parsePort(portText);
  if (port === null) return null;
  const host = canonicalHost(rawHost);
  return host === null ? null : { host, port };
}

/** `host[:port]` as written in a Host header or authority (port omitted when default). */
export function formatAuthority(host: string, port: number, defaultPort: number): string {
  return port === defaultPort ? host : `${host}:${port}`;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "upgrade",
]);
/** A `Connection` header may not make the proxy drop what frames the message. */
const NEVER_CONNECTION_LISTED = new Set(["content-length", "transfer-encoding", "host"]);

/**
 * Headers minus hop-by-hop ones: the fixed set, every `Proxy-*`, and names listed in
 * `Connection`. `Transfer-Encoding` stays because bodies are relayed unchanged.
 */
export function stripHopByHop(headers: HeaderField[]): HeaderField[] {
  const listed = new Set(
    headerList(headers, "connection")
      .map((name) => name.toLowerCase())
      .filter((name) => !NEVER_CONNECTION_LISTED.has(name)),
  );
  return headers.filter((h) => {
    const name = h.name.toLowerCase();
    return !HOP_BY_HOP.has(name) && !name.startsWith("proxy-") && !listed.has(name);
  });
}
