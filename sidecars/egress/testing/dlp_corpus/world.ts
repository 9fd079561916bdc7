/**
 * The corpus's world: recording origins (plain and TLS) behind the real proxy with the real
 * DLP engine, a TCP door for CONNECT, and one worker's kept-alive connections through it.
 */
import type { AuditEntry } from "../../audit/mod.ts";
import { createDlpEngine } from "../../dlp/mod.ts";
import type { Transport } from "../../dlp/testing/corpus/wire.ts";
import { compilePolicy, type PolicyRoute } from "../../policy/mod.ts";
import { type EgressProxy, startProxy } from "../../proxy.ts";
import { compileSecrets, type InjectedSecret } from "../../secrets/mod.ts";
import { generateCa } from "../../tls/ca.ts";
import { LeafMinter } from "../../tls/leaf.ts";
import { dnsResolver, withNameOverrides } from "../../upstream/mod.ts";
import {
  type LoopbackServer,
  mintServerCert,
  RawClient,
  serveLoopback,
  testCa,
  testPolicy,
  withTimeout,
} from "../mod.ts";
import { poll } from "../../../../lib/wait.ts";
import { type Records, startRecordingOrigin } from "./origin.ts";

/** The proxy world: origins, proxy with the real engine, a TCP door for CONNECT. */
export interface World {
  socket: string;
  door: LoopbackServer;
  plainPort: number;
  tlsPort: number;
  caPem: string;
  records: Records;
  audit: AuditEntry[];
  requests(): number;
  /** Resolves once the origins hold no connection (every cut-off upload is recorded). */
  settled(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(hosts: string[], secrets: InjectedSecret[]): Promise<World> {
  const dir = Deno.makeTempDirSync({ prefix: "egress-corpus-" });
  const socket = `${dir}/egress.sock`;
  const records: Records = new Map();
  const originCa = await generateCa("corpus origin");
  const cert = await mintServerCert(originCa, [...hosts, "127.0.0.1"]);
  const plain = startRecordingOrigin(records, null);
  const tls = startRecordingOrigin(records, cert);
  const ca = await testCa();
  const audit: AuditEntry[] = [];
  const routes: PolicyRoute[] = hosts.map((host) => ({
    host,
    passthrough: false,
    upstream_ca_pem: originCa.certPem,
  }));
  let proxy: EgressProxy;
  try {
    proxy = await startProxy({
      socketPath: socket,
      policy: compilePolicy(testPolicy(hosts, routes)),
      secrets: compileSecrets({ version: 1, bottle: "dev", secrets }, "dev"),
      minter: await LeafMinter.create(ca.certPem, ca.keyPem),
      dlp: createDlpEngine,
      audit: { record: (entry) => audit.push(entry) },
      resolver: withNameOverrides(new Map(hosts.map((h) => [h, "127.0.0.1"])), dnsResolver()),
      log: () => {},
    });
  } catch (error) {
    await plain.close();
    await tls.close();
    Deno.removeSync(dir, { recursive: true });
    throw error;
  }
  const door = startDoor(socket);
  return {
    socket,
    door,
    plainPort: plain.port,
    tlsPort: tls.port,
    caPem: ca.certPem,
    records,
    audit,
    requests: () => plain.count() + tls.count(),
    async settled(ms: number): Promise<void> {
      await poll(() => plain.connections() + tls.connections() === 0, { timeoutMs: ms });
    },
    async close(): Promise<void> {
      await door.close();
      await proxy.close();
      await plain.close();
      await tls.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/**
 * 127.0.0.1:PORT → the proxy's socket, as the in-bottle forwarder. Small writes go out at
 * once (no Nagle): a TLS handshake's flights would otherwise wait on delayed ACKs.
 */
function startDoor(socket: string): LoopbackServer {
  return serveLoopback(async (conn, track) => {
    (conn as Deno.TcpConn).setNoDelay(true);
    const upstream = await Deno.connect({ transport: "unix", path: socket });
    track(upstream);
    await Promise.all([
      conn.readable.pipeTo(upstream.writable).catch(() => {}),
      upstream.readable.pipeTo(conn.writable).catch(() => {}),
    ]);
  });
}

/** CONNECT `authority` through the door, then TLS trusting the bottle CA. */
async function tunnel(door: LoopbackServer, authority: string, caPem: string): Promise<RawClient> {
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: door.port });
  tcp.setNoDelay(true);
  try {
    const plain = RawClient.over(tcp);
    await plain.send(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    const response = await plain.readResponse("CONNECT");
    if (response.status !== 200) throw new Error(`CONNECT answered ${response.status}`);
    const tls = await Deno.startTls(tcp, {
      hostname: authority.replace(/:\d+$/, ""),
      caCerts: [caPem],
    });
    await tls.handshake();
    return RawClient.over(tls);
  } catch (error) {
    tcp.close();
    throw error;
  }
}

/** Kept-alive connections of one worker, by transport and host (a few at most). */
export class Connections {
  private readonly open = new Map<string, RawClient>();

  constructor(private readonly world: World, private readonly timeoutMs: number) {}

  /** A kept-alive connection (`reused`) or a new one. */
  async take(
    transport: Transport,
    host: string,
    fresh = false,
  ): Promise<{ client: RawClient; reused: boolean }> {
    const key = `${transport} ${host}`;
    const kept = this.open.get(key);
    if (kept !== undefined) {
      this.open.delete(key);
      if (!fresh) return { client: kept, reused: true };
      kept.close();
    }
    const client = transport === "http"
      ? await RawClient.connect(this.world.socket)
      : await withTimeout(
        tunnel(this.world.door, `${host}:${this.world.tlsPort}`, this.world.caPem),
        "CONNECT and TLS",
        this.timeoutMs,
      );
    return { client, reused: false };
  }

  give(transport: Transport, host: string, client: RawClient): void {
    const key = `${transport} ${host}`;
    this.open.get(key)?.close();
    this.open.set(key, client);
    if (this.open.size > 6) {
      const [oldest, conn] = this.open.entries().next().value!;
      conn.close();
      this.open.delete(oldest);
    }
  }

  closeAll(): void {
    for (const client of this.open.values()) client.close();
    this.open.clear();
  }
}
