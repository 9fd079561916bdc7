/**
 * Test helpers for interception (not used in production): an HTTPS stand-in for an
 * upstream on 127.0.0.1 with a certificate from its own test CA, a TCP door to the proxy
 * socket (what the in-bottle forwarder does), and TLS clients through a CONNECT tunnel.
 */

import { gzipSync } from "node:zlib";
import { brotliCompressSync } from "node:zlib";
import { generateCa, type GeneratedCa } from "../tls/ca.ts";
import {
  EC_SIGNING,
  generateKeyPair,
  importSigningKey,
  privateKeyPem,
  randomSerialHex,
} from "../tls/keys.ts";
import { literalName } from "../tls/names.ts";
import { x509 } from "../tls/x509.ts";
import { type LoopbackServer, serveLoopback } from "./listener.ts";
import type { SeenRequest } from "./origins.ts";
import { RawClient } from "./raw_client.ts";
import { TEST_TIMEOUT_MS, withTimeout } from "./wait.ts";

export interface ServerCert {
  certPem: string;
  keyPem: string;
}

/** A server certificate for `names` (DNS names or IPv4 addresses) signed by `ca`. */
export async function mintServerCert(ca: GeneratedCa, names: string[]): Promise<ServerCert> {
  const keys = await generateKeyPair();
  const caCert = new x509.X509Certificate(ca.certPem);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: literalName([["CN", names[0]]]),
    issuer: caCert.subjectName,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 86400_000),
    publicKey: keys.publicKey,
    signingKey: await importSigningKey(ca.keyPem),
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((name) =>
          /^\d+\.\d+\.\d+\.\d+$/.test(name)
            ? { type: "ip" as const, value: name }
            : { type: "dns" as const, value: name }
        ),
      ),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

export interface StandIn {
  port: number;
  /** PEM of the CA its certificate chains to (the route's `upstream_ca_pem`). */
  caPem: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const te = new TextEncoder();

/**
 * An HTTPS origin on 127.0.0.1 whose certificate names `names`. Paths: `/echo` (body back),
 * `/reflect` (the credential headers it received, in body and `X-Echo-Auth`),
 * `/reflect-gzip` and `/reflect-br` (the same, compressed), `/big?bytes=N` (N bytes),
 * `/upload` (reads the body, answers its length), anything else: `hello`.
 */
export async function startStandIn(names = ["api.test", "127.0.0.1"]): Promise<StandIn> {
  const ca = await generateCa("stand-in upstream");
  const cert = await mintServerCert(ca, names);
  const requests: SeenRequest[] = [];
  const { promise, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: cert.certPem,
    key: cert.keyPem,
    onListen: (addr) => resolve(addr.port),
  }, async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/upload") {
      let length = 0;
      for await (const chunk of request.body ?? new ReadableStream()) length += chunk.length;
      requests.push({ method: request.method, path: url.pathname, headers: {}, body: "" });
      return new Response(String(length));
    }
    const body = await request.text();
    const headers = Object.fromEntries(request.headers);
    requests.push({ method: request.method, path: url.pathname + url.search, headers, body });
    const auth = `authorization=${headers.authorization ?? ""};x-api-key=${
      headers["x-api-key"] ?? ""
    };x-custom=${headers["x-custom"] ?? ""}`;
    const plain = { "Content-Type": "application/octet-stream", "X-Echo-Auth": auth };
    switch (url.pathname) {
      case "/echo":
        return new Response(body, { headers: { "Content-Type": "application/octet-stream" } });
      case "/reflect":
        return new Response(auth, { headers: plain });
      case "/reflect-gzip":
        return new Response(new Uint8Array(gzipSync(te.encode(auth))), {
          headers: { ...plain, "Content-Encoding": "gzip" },
        });
      case "/reflect-br":
        return new Response(new Uint8Array(brotliCompressSync(te.encode(auth))), {
          headers: { ...plain, "Content-Encoding": "br" },
        });
      case "/big":
        return new Response(pattern(Number(url.searchParams.get("bytes") ?? "0")), {
          headers: { "Content-Type": "application/octet-stream" },
        });
      default:
        return new Response("hello", { headers: { "Content-Type": "application/octet-stream" } });
    }
  });
  const port = await promise;
  return { port, caPem: ca.certPem, requests, close: () => server.shutdown() };
}

/** `total` bytes of a repeating pattern, streamed in 64 KiB pieces. */
export function pattern(total: number): ReadableStream<Uint8Array> {
  const block = new Uint8Array(64 * 1024).map((_, i) => 97 + (i % 26));
  let sent = 0;
  return new ReadableStream({
    pull(controller): void {
      if (sent >= total) return controller.close();
      const n = Math.min(block.length, total - sent);
      controller.enqueue(block.slice(0, n));
      sent += n;
    },
  });
}

export type Door = LoopbackServer;

/** 127.0.0.1:PORT → the proxy's Unix socket, like the forwarder inside a bottle. */
export function startDoor(socket: string): Door {
  return serveLoopback(async (conn, track) => {
    const upstream = await Deno.connect({ transport: "unix", path: socket });
    track(upstream);
    await Promise.all([
      conn.readable.pipeTo(upstream.writable).catch(() => {}),
      upstream.readable.pipeTo(conn.writable).catch(() => {}),
    ]);
  });
}

/**
 * CONNECT `authority` through the door, then TLS trusting `caPem` (SNI `servername`,
 * default the authority's host). Rejects when the proxy refuses the CONNECT.
 */
export async function tunnelClient(
  door: Door,
  authority: string,
  caPem: string,
  servername?: string,
): Promise<RawClient> {
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: door.port });
  const plain = RawClient.over(tcp);
  await plain.send(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  const response = await plain.readResponse("CONNECT");
  if (response.status !== 200) {
    tcp.close();
    throw new Error(`CONNECT answered ${response.status}: ${response.body}`);
  }
  const hostname = servername ?? authority.replace(/:\d+$/, "");
  const tls = await Deno.startTls(tcp, { hostname, caCerts: [caPem] });
  await withTimeout(tls.handshake(), "client TLS handshake");
  return RawClient.over(tls);
}

export interface CurlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs curl (bounded in time) with `args`. */
export async function curl(args: string[], stdin?: Uint8Array): Promise<CurlResult> {
  const child = new Deno.Command("curl", {
    args: ["-sS", "--max-time", String(TEST_TIMEOUT_MS / 1000), ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin).catch(() => {});
    await writer.close().catch(() => {});
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}
