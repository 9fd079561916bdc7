/**
 * The intercepting proxy between curl (or a raw TLS client) and a TLS stand-in origin, for the
 * intercept tests: one fixture per test, torn down after it.
 */
import { type AuditEntry, FileAudit } from "../audit/log.ts";
import { compilePolicy } from "../policy/decide.ts";
import { type DlpFactory, type EgressProxy, startProxy } from "../proxy.ts";
import { compileSecrets } from "../secrets/table.ts";
import { type FakeDlp, fakeDlp } from "./fake_dlp.ts";
import { testCa, testPolicy } from "./files.ts";
import type { RawClient } from "./raw_client.ts";
import { curl, type Door, type StandIn, startDoor, startStandIn, tunnelClient } from "./tls.ts";
import { eventually } from "./wait.ts";
import { LeafMinter } from "../tls/leaf.ts";
import type { GeneratedCa } from "../tls/ca.ts";
import type { PolicyRoute } from "../policy/wire.ts";
import type { InjectedSecret } from "../secrets/wire.ts";
import { dnsResolver, type Lookup, withNameOverrides } from "../upstream/mod.ts";

export const REAL = "sk-real-0123456789abcdefXYZ";
export const PLACEHOLDER = "bb-placeholder-api-test-0001";
export const HOSTS = ["api.test", "other.test", "raw.test", "untrusted.test", "gw.test"];

export interface InterceptFixture {
  socket: string;
  door: Door;
  standIn: StandIn;
  proxy: EgressProxy;
  ca: GeneratedCa;
  /** The bottle CA as a file (curl --cacert). */
  caFile: string;
  dlp: FakeDlp;
  dir: string;
  url(host: string, path: string): string;
  curlArgs(): string[];
  audit(): AuditEntry[];
}

export interface InterceptOptions {
  routes?: (standIn: StandIn) => PolicyRoute[];
  /** Allowed besides HOSTS, 127.0.0.1 and localhost. */
  allow?: string[];
  /** The proxy's DNS (the system resolver by default). */
  lookup?: Lookup;
  secrets?: InjectedSecret[];
  dlp?: boolean | DlpFactory;
}

export function bearer(host = "api.test", extra: Partial<InjectedSecret> = {}): InjectedSecret {
  return { host, scheme: "bearer", value: REAL, placeholder: PLACEHOLDER, ...extra };
}

export function defaultRoutes(standIn: StandIn): PolicyRoute[] {
  return [
    { host: "api.test", passthrough: false, upstream_ca_pem: standIn.caPem },
    { host: "other.test", passthrough: false, upstream_ca_pem: standIn.caPem },
    { host: "raw.test", passthrough: true },
  ];
}

export async function withIntercept(
  fn: (fx: InterceptFixture) => Promise<void>,
  options: InterceptOptions = {},
): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "egress-intercept-" });
  const socket = `${dir}/egress.sock`;
  const audit = new FileAudit(`${dir}/log`, (m) => console.error(m));
  const standIn = await startStandIn([...HOSTS, "127.0.0.1"]);
  const ca = await testCa();
  Deno.writeTextFileSync(`${dir}/ca.crt`, ca.certPem);
  const dlp = fakeDlp();
  const routes = (options.routes ?? defaultRoutes)(standIn);
  const proxy = await startProxy({
    socketPath: socket,
    policy: compilePolicy(
      testPolicy([...HOSTS, "127.0.0.1", "localhost", ...options.allow ?? []], routes),
    ),
    secrets: compileSecrets(
      { version: 1, bottle: "dev", secrets: options.secrets ?? [bearer()] },
      "dev",
    ),
    minter: await LeafMinter.create(ca.certPem, ca.keyPem),
    dlp: options.dlp === false
      ? undefined
      : typeof options.dlp === "function"
      ? options.dlp
      : dlp.factory,
    audit,
    resolver: withNameOverrides(
      new Map(HOSTS.map((h) => [h, "127.0.0.1"])),
      dnsResolver(options.lookup),
    ),
    log: () => {},
  });
  const door = startDoor(socket);
  const auditLines = (): AuditEntry[] => {
    try {
      return Deno.readTextFileSync(`${dir}/log/egress.jsonl`).split("\n").filter((l) => l)
        .map((l) => JSON.parse(l) as AuditEntry);
    } catch {
      return [];
    }
  };
  try {
    await fn({
      socket,
      door,
      standIn,
      proxy,
      ca,
      caFile: `${dir}/ca.crt`,
      dlp,
      dir,
      url: (host, path) => `https://${host}:${standIn.port}${path}`,
      curlArgs: () => ["--proxy", `http://127.0.0.1:${door.port}`, "--cacert", `${dir}/ca.crt`],
      audit: auditLines,
    });
  } finally {
    await door.close();
    await proxy.close();
    audit.close();
    await standIn.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

export interface CurlResponse {
  status: number;
  /** The final response head (curl also shows the CONNECT's). */
  head: string;
  body: string;
  stderr: string;
}

/** curl through the proxy trusting the bottle CA; head and body of the final response. */
export async function fetchVia(
  fx: InterceptFixture,
  args: string[],
  stdin?: Uint8Array,
): Promise<CurlResponse> {
  const headFile = `${fx.dir}/head.txt`;
  const bodyFile = `${fx.dir}/body.txt`;
  const result = await curl([...fx.curlArgs(), "-D", headFile, "-o", bodyFile, ...args], stdin);
  const read = (path: string): string => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return "";
    }
  };
  const blocks = read(headFile).split("\r\n\r\n").filter((b) => b.startsWith("HTTP/"));
  const head = blocks[blocks.length - 1] ?? "";
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  const body = read(bodyFile);
  for (const path of [headFile, bodyFile]) {
    try {
      Deno.removeSync(path);
    } catch {
      // not written: curl got no response through the tunnel (the CONNECT was refused)
    }
  }
  return { status, head, body, stderr: result.stderr };
}

export function requestLines(fx: InterceptFixture): AuditEntry[] {
  return fx.audit().filter((l) => l.method !== "CONNECT");
}

export async function auditSettles(fx: InterceptFixture, count: number): Promise<AuditEntry[]> {
  await eventually(() => fx.audit().length >= count, `${count} audit lines`);
  return fx.audit();
}

export function tunnel(fx: InterceptFixture, host = "api.test"): Promise<RawClient> {
  return tunnelClient(fx.door, `${host}:${fx.standIn.port}`, fx.ca.certPem);
}

export function writeStandInCa(fx: InterceptFixture): string {
  const path = `${fx.dir}/standin.crt`;
  Deno.writeTextFileSync(path, fx.standIn.caPem);
  return path;
}
