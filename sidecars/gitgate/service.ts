/**
 * One smart-HTTP request served by `git upload-pack` or `git receive-pack --stateless-rpc`
 * run on the mirror, as `git http-backend` would run it but without its two extra processes
 * (the `git` wrapper and http-backend itself). The request body streams into it (counted, and
 * cut off past a limit); its output streams back once it has written something. A client that
 * goes away, or the time limit, kills it.
 */

import { FLUSH, type GitService, pkt } from "./pktline.ts";

export interface ServiceRequest {
  service: GitService;
  /** info/refs (the ref advertisement) rather than the RPC that follows it. */
  advertise: boolean;
  mirror: string;
  /** The request's `Git-Protocol` header (checked), or null. */
  protocol: string | null;
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

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The headers http-backend sends with a service's answer. */
export function serviceHeaders(service: GitService, advertise: boolean): Headers {
  return new Headers({
    "content-type": `application/x-${service}-${advertise ? "advertisement" : "result"}`,
    "cache-control": "no-cache, max-age=0, must-revalidate",
    "expires": "Fri, 01 Jan 1980 00:00:00 GMT",
    "pragma": "no-cache",
  });
}

/** What http-backend writes before a v0/v1 advertisement (v2 has none). */
export function advertisementPrefix(service: GitService, protocol: string | null): string {
  const v2 = (protocol ?? "").split(":").includes("version=2");
  return v2 ? "" : pkt(`# service=${service}\n`) + FLUSH;
}

export async function runService(request: ServiceRequest): Promise<Response> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), request.timeoutMs);
  const onClientGone = (): void => stop.abort();
  request.signal.addEventListener("abort", onClientGone);
  const command = request.service === "git-upload-pack" ? "upload-pack" : "receive-pack";
  const env: Record<string, string> = { ...request.env };
  if (request.protocol !== null) env.GIT_PROTOCOL = request.protocol;
  const child = new Deno.Command("git", {
    args: [command, "--stateless-rpc", ...(request.advertise ? ["--advertise-refs"] : []), "."],
    cwd: request.mirror,
    env,
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
    if (text.trim() !== "") request.log(`gitgate: ${command}: ${text.trim().slice(0, 8192)}`);
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
  const read = () => reader.read().catch(() => ({ value: undefined, done: true as const }));
  const refusal = (): Uint8Array<ArrayBuffer> | null =>
    cutOff && request.refusal !== undefined
      ? new TextEncoder().encode(request.refusal(head))
      : null;
  const first = await read();
  if (first.done || first.value === undefined) {
    if (cutOff) stop.abort();
    const status = await finished;
    const refused = refusal();
    if (refused !== null) {
      return new Response(refused.slice(), {
        status: 200,
        headers: { "content-type": "application/x-git-receive-pack-result" },
      });
    }
    if (status.success && !request.advertise) {
      // git's probe before a chunked push: a bare flush, answered with nothing.
      return new Response(null, { status: 200, headers: serviceHeaders(request.service, false) });
    }
    return new Response("the gate's git backend failed; see the bundle log\n", { status: 502 });
  }
  const prefix = request.advertise ? advertisementPrefix(request.service, request.protocol) : "";
  let rest: Uint8Array | null = concat(new TextEncoder().encode(prefix), first.value);
  let relayed = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      if (rest !== null && !cutOff) {
        relayed += rest.length;
        controller.enqueue(rest);
        rest = null;
        return;
      }
      rest = null;
      const { value, done } = await read();
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
  return new Response(stream, {
    status: 200,
    headers: serviceHeaders(request.service, request.advertise),
  });
}
