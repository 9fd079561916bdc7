/** The proxy's own answers: block pages and errors that tell the agent why. Pure. */

import { latin1Bytes } from "../../../lib/bytes.ts";
import { serializeResponseHead } from "./head.ts";

export const REASON_HEADER = "X-Bot-Bottle-Reason";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
  502: "Bad Gateway",
  505: "HTTP Version Not Supported",
};

/**
 * A complete `Connection: close` response whose body and `X-Bot-Bottle-Reason` header
 * carry `reason`. `what` names the request (e.g. `CONNECT example.com:443`).
 */
export function proxyErrorResponse(status: number, what: string, reason: string): Uint8Array {
  const title = status === 403 ? "blocked" : "failed";
  const body = new TextEncoder().encode(
    `bot-bottle egress proxy: ${title} ${what}\nreason: ${reason}\n`,
  );
  const head = serializeResponseHead({
    version: "HTTP/1.1",
    status,
    reason: STATUS_TEXT[status] ?? "Error",
    headers: [
      { name: "Content-Type", value: "text/plain; charset=utf-8" },
      { name: "Content-Length", value: String(body.length) },
      { name: "Connection", value: "close" },
      { name: REASON_HEADER, value: headerSafe(reason) },
    ],
  });
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export const CONNECT_ESTABLISHED = latin1Bytes("HTTP/1.1 200 Connection Established\r\n\r\n");

/**
 * Printable ASCII only, bounded: a header value can never break the response. A reason's
 * further lines are joined with "; ".
 */
export function headerSafe(text: string): string {
  const ascii = text.replace(/…/g, "...").replace(/\n/g, "; ").replace(/[^\x20-\x7e]/g, "?");
  return ascii.length > 1024 ? `${ascii.slice(0, 1021)}...` : ascii;
}
