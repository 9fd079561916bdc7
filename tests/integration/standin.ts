/**
 * A local stand-in for an upstream HTTPS service: a test CA, a server certificate for the
 * stand-in's names, and a Deno HTTPS server on 127.0.0.1 that records what it received.
 */
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { run } from "../../lib/command.ts";

export interface Received {
  path: string;
  method: string;
  headers: Record<string, string>;
  /** Null when the proxy aborted the request before its body was complete. */
  body: string | null;
}

export interface StandIn {
  port: number;
  caFile: string;
  received: Received[];
  close(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run("openssl", args, { cwd });
}

/** Makes a CA and a certificate for `names` (plus 127.0.0.1) in `dir`. */
async function makeCertificates(dir: string, names: string[]): Promise<void> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=bot-bottle standin test CA",
  ], dir);
  await openssl([
    "req",
    ...ec,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    `/CN=${names[0]}`,
  ], dir);
  const san = [...names.map((name) => `DNS:${name}`), "IP:127.0.0.1"].join(",");
  await Deno.writeTextFile(
    join(dir, "ext.cnf"),
    `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  ], dir);
}

export async function startStandIn(names: string[]): Promise<StandIn> {
  const dir = await Deno.makeTempDir({ prefix: "bb-standin-" });
  await makeCertificates(dir, names);
  const received: Received[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: await Deno.readTextFile(join(dir, "server.pem")),
    key: await Deno.readTextFile(join(dir, "server.key")),
    onListen: () => {},
  }, async (request) => {
    const url = new URL(request.url);
    let body: string | null;
    try {
      body = await request.text();
    } catch {
      body = null;
    }
    const headers = Object.fromEntries(request.headers);
    received.push({ path: url.pathname + url.search, method: request.method, headers, body });
    if (url.pathname.endsWith("/info/refs")) {
      return new Response(`${"a".repeat(40)}\trefs/heads/main\n`, {
        headers: { "content-type": "text/plain" },
      });
    }
    const echo = JSON.stringify({
      authorization: headers.authorization ?? null,
      bytes: body?.length ?? 0,
    });
    if (url.pathname === "/echo-gzip") {
      return new Response(new Uint8Array(gzipSync(echo)), {
        headers: { "content-encoding": "gzip", "content-type": "application/json" },
      });
    }
    return new Response(echo, { headers: { "content-type": "application/json" } });
  });
  return {
    port: server.addr.port,
    caFile: join(dir, "ca.pem"),
    received,
    close: async () => {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
