/**
 * The egress proxy: an HTTP forward proxy on a Unix socket (the bottle's door). Every
 * request is decided against the configuration (policy, secrets, DLP engine) in force when
 * it arrives; swapping it (hot reload) leaves open connections alone, except relayed tunnels
 * opened under a supervise grant, which end once the policy no longer allows them
 * (tunnel/granted.ts).
 */

import { sleep } from "../../lib/wait.ts";
import type { AuditSink } from "./audit/mod.ts";
import { GrantedTunnels, handleConnect, loadInterception } from "./tunnel/mod.ts";
import {
  type ProxyConfig,
  type ProxyContext,
  type ProxyTimeouts,
  serveConnection,
} from "./pipeline/mod.ts";
import { BufferedReader, closeQuietly, connStream } from "./conn_io.ts";
import type { CompiledPolicy } from "./policy/mod.ts";
import type { DlpConfig, DlpEngine } from "./dlp/mod.ts";
import { EMPTY_SECRETS, type SecretTable } from "./secrets/mod.ts";
import type { LeafMinter } from "./tls/mod.ts";
import type { ServerContexts } from "./tls/server.ts";
import { dnsResolver, type Resolver } from "./upstream/mod.ts";

/** Builds the DLP engine for a configuration (e.g. `createDlpEngine` of dlp/mod.ts). */
export type DlpFactory = (config: DlpConfig) => DlpEngine;

export interface ProxyOptions {
  socketPath: string;
  policy: CompiledPolicy;
  /** The bottle's injected secrets; none by default. */
  secrets?: SecretTable;
  /**
   * Mints leaf certificates: CONNECTs are intercepted unless their route is passthrough.
   * May still be loading (the daemon listens first); the first interception waits for it.
   */
  minter?: LeafMinter | Promise<LeafMinter>;
  /** DLP on every outgoing request; off without it. */
  dlp?: DlpFactory;
  audit: AuditSink;
  /**
   * Names to addresses: the system's DNS (dnsResolver) by default. main.ts and the test
   * fixtures put the test-only name override in front of it (upstream/name_override.ts).
   */
  resolver?: Resolver;
  timeouts?: Partial<ProxyTimeouts>;
  /** Operational errors (the bundle log). */
  log?: (line: string) => void;
}

export interface EgressProxy {
  readonly socketPath: string;
  /** Loads what interception needs now (start-up calls it once listening); never rejects. */
  warmUp(): Promise<string | null>;
  readonly policy: CompiledPolicy;
  readonly secrets: SecretTable;
  setPolicy(policy: CompiledPolicy): void;
  /**
   * Swaps policy and secrets together (the DLP engine is rebuilt for them). Throws, keeping
   * the old configuration, if the DLP engine cannot be built.
   */
  setConfig(policy: CompiledPolicy, secrets: SecretTable): void;
  /** Client connections open now. */
  readonly connections: number;
  /** Stops accepting, closes every connection and removes the socket file. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUTS: ProxyTimeouts = { connectMs: 10_000, firstHeadMs: 30_000, idleMs: 120_000 };
const MAX_CONNECTIONS = 1024;

/** The configuration a request sees: policy and secrets with the DLP engine built for them. */
export function buildConfig(
  policy: CompiledPolicy,
  secrets: SecretTable,
  dlp: DlpFactory | undefined,
): ProxyConfig {
  const engine = dlp?.({
    rules: policy.dlp.rules,
    maxBodyBytes: policy.dlp.maxBodyBytes,
    bottleSecrets: secrets.secrets.map((s) => ({ id: s.id, value: s.value })),
  }) ?? null;
  return { policy, secrets, dlp: engine };
}

export async function startProxy(options: ProxyOptions): Promise<EgressProxy> {
  await clearStaleSocket(options.socketPath);
  const listener = Deno.listen({ transport: "unix", path: options.socketPath });
  Deno.chmodSync(options.socketPath, 0o666);
  const socketIno = Deno.statSync(options.socketPath).ino;

  let config = buildConfig(options.policy, options.secrets ?? EMPTY_SECRETS, options.dlp);
  const log = options.log ?? ((line: string): void => console.error(line));
  const grantedTunnels = new GrantedTunnels(() => config.policy);
  const ctx: ProxyContext = {
    config: () => config,
    tls: options.minter === undefined ? null : lazyContexts(options.minter),
    audit: options.audit,
    resolver: options.resolver ?? dnsResolver(),
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    grantedTunnels,
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
        await sleep(50);
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
    async warmUp(): Promise<string | null> {
      if (ctx.tls === null) return null;
      try {
        await ctx.tls();
        await loadInterception();
        return null;
      } catch (error) {
        return (error as Error).message;
      }
    },
    get policy(): CompiledPolicy {
      return config.policy;
    },
    get secrets(): SecretTable {
      return config.secrets;
    },
    setPolicy(next: CompiledPolicy): void {
      config = buildConfig(next, config.secrets, options.dlp);
      grantedTunnels.recheck();
    },
    setConfig(policy: CompiledPolicy, secrets: SecretTable): void {
      config = buildConfig(policy, secrets, options.dlp);
      grantedTunnels.recheck();
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
      grantedTunnels.close();
      for (const conn of open.keys()) closeQuietly(conn);
      await Promise.allSettled([...open.values()]);
      removeOwnSocket(options.socketPath, socketIno);
    },
  };
}

/** node:tls is imported on first use, once. */
function lazyContexts(minter: LeafMinter | Promise<LeafMinter>): () => Promise<ServerContexts> {
  let loading: Promise<ServerContexts> | null = null;
  return () => {
    loading ??= (async (): Promise<ServerContexts> => {
      const { ServerContexts } = await import("./tls/server.ts");
      return new ServerContexts(await minter);
    })();
    return loading;
  };
}

async function serveClient(ctx: ProxyContext, conn: Deno.Conn): Promise<void> {
  const client = new BufferedReader(connStream(conn));
  await serveConnection(ctx, client, { kind: "plain" }, {
    takeOver: (head) => head.method === "CONNECT" ? handleConnect(ctx, client, head) : null,
  });
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
