/**
 * The egress proxy: an HTTP forward proxy on a Unix socket (the bottle's door). Every
 * request is decided against the policy in force when it arrives; swapping the policy
 * (hot reload) never touches open tunnels.
 */

import type { AuditSink } from "./audit.ts";
import { handleConnect } from "./connect.ts";
import type { ProxyContext, ProxyTimeouts } from "./context.ts";
import { BufferedReader, closeQuietly, readHead, writeAll } from "./conn_io.ts";
import type { CompiledPolicy } from "./decide.ts";
import { Forwarder } from "./forward.ts";
import { requestHeadParser } from "./http_head.ts";
import { proxyErrorResponse } from "./responses.ts";
import { type Lookup, systemLookup } from "./upstream.ts";

export interface ProxyOptions {
  socketPath: string;
  policy: CompiledPolicy;
  audit: AuditSink;
  /** Test-only name mapping (canonical host → loopback IP); empty in normal use. */
  testResolve?: ReadonlyMap<string, string>;
  lookup?: Lookup;
  timeouts?: Partial<ProxyTimeouts>;
  /** Operational errors (the bundle log). */
  log?: (line: string) => void;
}

export interface EgressProxy {
  readonly socketPath: string;
  readonly policy: CompiledPolicy;
  setPolicy(policy: CompiledPolicy): void;
  /** Client connections open now. */
  readonly connections: number;
  /** Stops accepting, closes every connection and removes the socket file. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUTS: ProxyTimeouts = { connectMs: 10_000, firstHeadMs: 30_000, idleMs: 120_000 };
const MAX_CONNECTIONS = 1024;
const MAX_REQUESTS_PER_CONNECTION = 10_000;

export async function startProxy(options: ProxyOptions): Promise<EgressProxy> {
  await clearStaleSocket(options.socketPath);
  const listener = Deno.listen({ transport: "unix", path: options.socketPath });
  Deno.chmodSync(options.socketPath, 0o666);
  const socketIno = Deno.statSync(options.socketPath).ino;

  let policy = options.policy;
  const log = options.log ?? ((line: string): void => console.error(line));
  const ctx: ProxyContext = {
    policy: () => policy,
    audit: options.audit,
    testResolve: options.testResolve ?? new Map(),
    lookup: options.lookup ?? systemLookup,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    log,
  };
  const open = new Map<Deno.Conn, Promise<void>>();
  let closing = false;
  let refusing = false;

  const accepting = (async (): Promise<void> => {
    while (!closing) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing || error instanceof Deno.errors.BadResource) return;
        log(`egress: accept failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      if (open.size >= MAX_CONNECTIONS) {
        if (!refusing) log(`egress: ${MAX_CONNECTIONS} connections open; refusing new ones`);
        refusing = true;
        closeQuietly(conn);
        continue;
      }
      refusing = false;
      const serving = serveClient(ctx, conn).finally(() => open.delete(conn));
      open.set(conn, serving);
    }
  })();

  return {
    socketPath: options.socketPath,
    get policy(): CompiledPolicy {
      return policy;
    },
    setPolicy(next: CompiledPolicy): void {
      policy = next;
    },
    get connections(): number {
      return open.size;
    },
    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      try {
        listener.close();
      } catch {
        // already closed
      }
      await accepting;
      for (const conn of open.keys()) closeQuietly(conn);
      await Promise.allSettled([...open.values()]);
      removeOwnSocket(options.socketPath, socketIno);
    },
  };
}

async function serveClient(ctx: ProxyContext, conn: Deno.Conn): Promise<void> {
  const client = new BufferedReader(conn);
  const forwarder = new Forwarder(ctx, client);
  try {
    for (let request = 0; request < MAX_REQUESTS_PER_CONNECTION; request++) {
      const wait = request === 0 ? ctx.timeouts.firstHeadMs : ctx.timeouts.idleMs;
      const result = await readHead(client, requestHeadParser(), Date.now() + wait);
      if (result.state === "closed") return;
      if (result.state === "error") {
        const response = proxyErrorResponse(result.status, "request", result.message);
        await writeAll(conn, response);
        return;
      }
      if (result.head.method === "CONNECT") {
        await handleConnect(ctx, client, result.head);
        return;
      }
      if (!await forwarder.exchange(result.head)) return;
    }
  } catch {
    // The client went away or timed out; there is nobody left to tell.
  } finally {
    forwarder.close();
    closeQuietly(conn);
  }
}

/**
 * A socket file left by a daemon that died is removed; one that still accepts connections
 * belongs to a live proxy and is an error.
 */
async function clearStaleSocket(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (!info.isSocket) throw new Error(`${path} exists and is not a socket`);
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
  } catch {
    Deno.removeSync(path);
    return;
  }
  throw new Error(`another process is already listening on ${path}`);
}

function removeOwnSocket(path: string, ino: number | null): void {
  try {
    if (Deno.lstatSync(path).ino === ino) Deno.removeSync(path);
  } catch {
    // already gone
  }
}
