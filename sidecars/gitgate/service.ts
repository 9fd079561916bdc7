/**
 * `git http-backend` as a CGI child: the request body streams into it (counted, and cut off
 * past a limit), its response streams back once its CGI headers are parsed. A client that
 * goes away, or the time limit, kills it.
 */

export interface CgiRequest {
  env: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
  /** Client gone: stop. */
  signal: AbortSignal;
  timeoutMs: number;
  /** Body bytes allowed (null: any). */
  maxBodyBytes: number | null;
  /** The response body to send instead when the body was cut off (given its start). */
  refusal?: (head: Uint8Array) => string;
  onBytes?: (total: number) => void;
  onExit?: () => void;
  log: (line: string) => void;
}

const HEAD_KEPT = 65536;
const MAX_HEADERS = 65536;
const HOP_BY_HOP = new Set(["connection", "transfer-encoding", "keep-alive", "status"]);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Where the CGI header block ends (index after the blank line), or -1. */
export function headerEnd(bytes: Uint8Array): { at: number; length: number } | null {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 10) continue;
    if (bytes[i + 1] === 10) return { at: i, length: 2 };
    if (bytes[i + 1] === 13 && bytes[i + 2] === 10) return { at: i, length: 3 };
  }
  return null;
}

export function parseCgiHeaders(text: string): { status: number; headers: Headers } {
  const headers = new Headers();
  let status = 200;
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = parseInt(value, 10) || 500;
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.append(name, value);
  }
  return { status, headers };
}

export async function runCgi(request: CgiRequest): Promise<Response> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), request.timeoutMs);
  const onClientGone = (): void => stop.abort();
  request.signal.addEventListener("abort", onClientGone);
  const child = new Deno.Command("git", {
    args: ["http-backend"],
    env: request.env,
    clearEnv: true,
    stdin: request.body === null ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: stop.signal,
  }).spawn();
  const finished = child.status.finally(() => {
    clearTimeout(timer);
    request.signal.removeEventListener("abort", onClientGone);
    request.onExit?.();
  });
  (async () => {
    let text = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      if (text.length < 8192) text += chunk;
    }
    if (text.trim() !== "") request.log(`gitgate: http-backend: ${text.trim().slice(0, 8192)}`);
  })();

  let cutOff = false;
  let head: Uint8Array = new Uint8Array(0);
  if (request.body !== null) {
    const body = request.body;
    (async () => {
      const writer = child.stdin.getWriter();
      let total = 0;
      try {
        for await (const chunk of body) {
          total += chunk.length;
          request.onBytes?.(total);
          if (head.length < HEAD_KEPT) {
            head = concat(head, chunk.subarray(0, HEAD_KEPT - head.length));
          }
          if (request.maxBodyBytes !== null && total > request.maxBodyBytes) {
            cutOff = true;
            stop.abort();
            break;
          }
          await writer.write(chunk);
        }
      } catch {
        // client or child gone; the child's status and the response tell
      } finally {
        await writer.close().catch(() => {});
      }
    })();
  }

  const reader = child.stdout.getReader();
  let buffered: Uint8Array = new Uint8Array(0);
  let end: { at: number; length: number } | null = null;
  while (end === null) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done || value === undefined) break;
    buffered = concat(buffered, value);
    end = headerEnd(buffered);
    if (end === null && buffered.length > MAX_HEADERS) break;
  }
  const refusal = (): Uint8Array<ArrayBuffer> | null =>
    cutOff && request.refusal !== undefined
      ? new TextEncoder().encode(request.refusal(head))
      : null;
  if (end === null) {
    stop.abort();
    await reader.cancel().catch(() => {});
    await finished;
    const refused = refusal();
    if (refused !== null) {
      return new Response(refused.slice(), {
        status: 200,
        headers: { "content-type": "application/x-git-receive-pack-result" },
      });
    }
    return new Response("the gate's git backend failed; see the bundle log\n", { status: 502 });
  }
  const { status, headers } = parseCgiHeaders(
    new TextDecoder().decode(buffered.subarray(0, end.at)),
  );
  let rest: Uint8Array | null = buffered.subarray(end.at + end.length);
  let relayed = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      if (rest !== null && rest.length > 0 && !cutOff) {
        relayed += rest.length;
        controller.enqueue(rest);
        rest = null;
        return;
      }
      rest = null;
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (cutOff && relayed === 0) {
        await reader.cancel().catch(() => {});
        const refused = refusal();
        if (refused !== null) controller.enqueue(refused);
        controller.close();
        return;
      }
      if (done || value === undefined) {
        controller.close();
        return;
      }
      relayed += value.length;
      controller.enqueue(value);
    },
    async cancel(): Promise<void> {
      stop.abort();
      await reader.cancel().catch(() => {});
    },
  });
  return new Response(stream, { status, headers });
}
