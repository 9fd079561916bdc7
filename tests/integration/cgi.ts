/**
 * A CGI program's output as an HTTP response: the header block (ended by an empty line, CRLF
 * or LF) is parsed, `Status:` becomes the status, and the rest of the output is streamed on as
 * the body as it comes.
 */
import { concat, latin1 } from "../../lib/bytes.ts";

export async function cgiResponse(stdout: ReadableStream<Uint8Array>): Promise<Response> {
  const reader = stdout.getReader();
  let buffered: Uint8Array = new Uint8Array(0);
  let end: HeaderEnd | null = null;
  while (end === null) {
    const { value, done } = await reader.read();
    if (done) {
      return new Response(`the CGI ended without a header block\n`, { status: 502 });
    }
    buffered = concat([buffered, value]);
    end = headerEnd(buffered);
  }
  const { status, headers } = parseHeaders(latin1(buffered.subarray(0, end.at)));
  const rest = buffered.subarray(end.at + end.length);
  const body = new ReadableStream<Uint8Array>({
    start(controller): void {
      if (rest.length > 0) controller.enqueue(rest);
    },
    async pull(controller): Promise<void> {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(): Promise<void> {
      await reader.cancel();
    },
  });
  return new Response(body, { status, headers });
}

interface HeaderEnd {
  at: number;
  length: number;
}

/** Where the first empty line is (`\r\n\r\n` or `\n\n`), or null when not yet read. */
export function headerEnd(bytes: Uint8Array): HeaderEnd | null {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return { at: i, length: 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { at: i, length: 3 };
  }
  return null;
}

/** `Status: 404 Not Found` and the other header lines (default status 200). */
export function parseHeaders(block: string): { status: number; headers: Headers } {
  const headers = new Headers();
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
    else headers.append(name, value);
  }
  return { status, headers };
}
