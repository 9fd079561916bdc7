/** The daemon's side of the pre-receive hook: a Unix socket answering one push per connection. */

import { hookReply, type HookRequest, parseHookRequest } from "./hook_script.ts";
import type { HookAnswer } from "./push_check.ts";

const MAX_REQUEST = 16 << 20;
const READ_TIMEOUT_MS = 30_000;

export type HookHandler = (request: HookRequest) => Promise<HookAnswer>;

async function readRequest(conn: Deno.Conn): Promise<string | null> {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(65536);
  let text = "";
  const deadline = setTimeout(() => conn.close(), READ_TIMEOUT_MS);
  try {
    while (!text.endsWith("end\n") && text.length < MAX_REQUEST) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
    }
  } catch {
    return null;
  } finally {
    clearTimeout(deadline);
  }
  return text;
}

async function writeAll(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

async function serveOne(
  conn: Deno.Conn,
  handler: HookHandler,
  log: (line: string) => void,
): Promise<void> {
  try {
    const text = await readRequest(conn);
    const request = text === null ? null : parseHookRequest(text);
    const answer = request === null
      ? {
        messages: ["gate: the hook sent a request the gate cannot read; the push is refused"],
        code: 1,
      }
      : await handler(request);
    await writeAll(conn, hookReply(answer.messages, answer.code));
  } catch (error) {
    log(`gitgate: hook connection: ${(error as Error).message}`);
  } finally {
    try {
      conn.close();
    } catch {
      // closed by the read deadline
    }
  }
}

export function serveHook(
  path: string,
  handler: HookHandler,
  log: (line: string) => void,
): Deno.Listener {
  try {
    Deno.removeSync(path);
  } catch {
    // no stale socket
  }
  const listener = Deno.listen({ transport: "unix", path });
  (async () => {
    try {
      for await (const conn of listener) serveOne(conn, handler, log);
    } catch (error) {
      log(`gitgate: hook socket closed: ${(error as Error).message}`);
    }
  })();
  return listener;
}
