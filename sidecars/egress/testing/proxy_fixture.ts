/** A plain egress proxy on a Unix socket with a door and loopback origins, for the proxy tests. */
import assert from "node:assert/strict";
import { type AuditEntry, FileAudit } from "../audit/log.ts";
import { compilePolicy } from "../policy/decide.ts";
import type { EgressPolicy } from "../policy/wire.ts";
import { type EgressProxy, startProxy } from "../proxy.ts";
import { dnsResolver, withNameOverrides } from "../upstream/mod.ts";
import { type EchoServer, startEchoServer, startOrigin, type TestOrigin } from "./origins.ts";
import { eventually } from "./wait.ts";
import { poll } from "../../../lib/wait.ts";

export interface ProxyFixture {
  socket: string;
  origin: TestOrigin;
  echo: EchoServer;
  proxy: EgressProxy;
  dir: string;
  auditLines(): AuditEntry[];
  auditText(): string;
}

export function policy(allow: string[], deny: string[] = []): EgressPolicy {
  return { version: 1, bottle: "dev", allow, deny, routes: [] };
}

export const DEFAULT_ALLOW = ["allowed.test", "localhost", "down.test", "*.wild.test"];

export async function withProxy(
  fn: (fx: ProxyFixture) => Promise<void>,
  rules: EgressPolicy = policy(DEFAULT_ALLOW, ["blocked.wild.test"]),
): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "egress-test-" });
  const socket = `${dir}/egress.sock`;
  const logDir = `${dir}/log`;
  const audit = new FileAudit(logDir, (m) => console.error(m));
  const origin = await startOrigin();
  const echo = startEchoServer();
  const proxy = await startProxy({
    socketPath: socket,
    policy: compilePolicy(rules),
    audit,
    resolver: withNameOverrides(
      new Map([
        ["allowed.test", "127.0.0.1"],
        ["down.test", "127.0.0.1"],
        ["a.wild.test", "127.0.0.1"],
        ["blocked.wild.test", "127.0.0.1"],
      ]),
      dnsResolver(),
    ),
    log: () => {},
  });
  const auditText = (): string => {
    try {
      return Deno.readTextFileSync(`${logDir}/egress.jsonl`);
    } catch {
      return "";
    }
  };
  try {
    await fn({
      socket,
      origin,
      echo,
      proxy,
      dir,
      auditText,
      auditLines: () =>
        auditText().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as AuditEntry),
    });
  } finally {
    await proxy.close();
    audit.close();
    await origin.close();
    await echo.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

export function get(url: string, extra = ""): string {
  return `GET ${url} HTTP/1.1\r\nHost: ignored.example\r\n${extra}\r\n`;
}

export async function leaveDeadSocket(path: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `Deno.listen({ transport: "unix", path: ${
        JSON.stringify(path)
      } }); setTimeout(() => {}, 60000);`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await eventually(() => {
    try {
      return Deno.lstatSync(path).isSocket === true;
    } catch {
      return false;
    }
  }, "dead socket listener");
  child.kill("SIGKILL");
  await child.status;
  assert.ok(Deno.lstatSync(path).isSocket);
}

export async function waitForAudit(lines: () => AuditEntry[], count: number): Promise<void> {
  if (!await poll(() => lines().length >= count, { timeoutMs: 5000 })) {
    throw new Error(`expected ${count} audit lines, got ${lines().length}`);
  }
  assert.equal(lines().length, count);
}

/** A TCP origin on 127.0.0.1 whose every connection is handled by `handle` (raw bytes). */
export async function readUntil(conn: Deno.Conn, marker: string): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  for (let i = 0; i < 100 && !text.includes(marker); i++) {
    const n = await conn.read(buffer);
    if (n === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  return text;
}
