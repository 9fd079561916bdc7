/**
 * Raw HTTP/1.1 to the gate for attack tests: the request line is sent byte for byte (no URL
 * normalisation, unlike fetch), with `Connection: close`; the whole answer is read back,
 * bounded in size and time.
 */

export interface RawAnswer {
  status: number;
  head: string;
  body: Uint8Array;
  text: string;
}

function indexOf(bytes: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Undoes `Transfer-Encoding: chunked`. */
function unchunk(body: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = indexOf(body.subarray(at), [13, 10]);
    if (lineEnd < 0) break;
    const size = parseInt(new TextDecoder().decode(body.subarray(at, at + lineEnd)), 16);
    if (!(size > 0)) break;
    parts.push(body.subarray(at + lineEnd + 2, at + lineEnd + 2 + size));
    at += lineEnd + 2 + size + 2;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export async function rawRequest(
  port: number,
  request: { method: string; target: string; headers?: [string, string][]; body?: Uint8Array },
  timeoutMs = 20_000,
): Promise<RawAnswer> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => conn.close(), timeoutMs);
  try {
    const headers: [string, string][] = [
      ["Host", "127.0.0.1"],
      ["Connection", "close"],
      ...(request.body === undefined ? [] : [["Content-Length", String(request.body.length)]] as [
        string,
        string,
      ][]),
      ...(request.headers ?? []),
    ];
    const head = `${request.method} ${request.target} HTTP/1.1\r\n` +
      headers.map(([name, value]) => `${name}: ${value}\r\n`).join("") + "\r\n";
    const bytes = new TextEncoder().encode(head);
    const all = new Uint8Array(bytes.length + (request.body?.length ?? 0));
    all.set(bytes);
    if (request.body !== undefined) all.set(request.body, bytes.length);
    let offset = 0;
    while (offset < all.length) offset += await conn.write(all.subarray(offset));
    const parts: Uint8Array[] = [];
    let size = 0;
    const buffer = new Uint8Array(65536);
    while (size < 64 << 20) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      parts.push(buffer.slice(0, n));
      size += n;
    }
    const answer = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      answer.set(part, at);
      at += part.length;
    }
    const split = indexOf(answer, [13, 10, 13, 10]);
    const headText = new TextDecoder().decode(
      answer.subarray(0, split < 0 ? answer.length : split),
    );
    let body: Uint8Array = split < 0 ? new Uint8Array(0) : answer.subarray(split + 4);
    if (/^transfer-encoding:\s*chunked/im.test(headText)) body = unchunk(body);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1] ?? 0);
    return { status, head: headText, body, text: new TextDecoder("latin1").decode(body) };
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // closed by the timer
    }
  }
}
