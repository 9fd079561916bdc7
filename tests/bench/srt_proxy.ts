/**
 * srt's proxy as a peer for the egress latency: sequential HTTPS requests on one kept-alive
 * connection to a local TLS server, through srt's proxy (a CONNECT tunnel; srt does not
 * intercept) and directly, with the same curl. The first request (handshake) is left out.
 */
import { join } from "node:path";
import type { SrtSetup } from "./srt.ts";

export interface SrtProxyLatency {
  directP50: number;
  srtP50: number;
}

const REQUESTS = 100;

export async function measureSrtProxyLatency(
  srt: SrtSetup,
  workDir: string,
): Promise<SrtProxyLatency | { reason: string }> {
  if (!srt.ok) return { reason: srt.reason };
  const dir = join(workDir, "srt-proxy");
  await Deno.mkdir(dir, { recursive: true });
  const made = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "k.pem",
      "-out",
      "c.pem",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost",
    ],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).output();
  if (!made.success) return { reason: "openssl could not make a test certificate" };
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: await Deno.readTextFile(join(dir, "c.pem")),
    key: await Deno.readTextFile(join(dir, "k.pem")),
    onListen: () => {},
  }, () => new Response(null, { status: 204 }));
  try {
    const urls = Array.from({ length: REQUESTS }, () => `https://localhost:${server.addr.port}/`);
    const ca = join(dir, "c.pem");
    const settings = join(dir, "settings.json");
    await Deno.writeTextFile(
      settings,
      JSON.stringify({
        network: { allowedDomains: ["localhost"], deniedDomains: [] },
        filesystem: { denyRead: [], allowWrite: ["."], denyWrite: [] },
      }),
    );
    const at = srt.args.indexOf("--settings");
    const args = at < 0 ? [...srt.args] : [...srt.args.slice(0, at), ...srt.args.slice(at + 2)];
    const inside = `curl -sS --cacert '${ca}' -o /dev/null -w '%{time_total}\\n' ` +
      `--noproxy '' -x "$HTTPS_PROXY" ${urls.join(" ")}`;
    const viaSrt = await times(
      srt.cmd,
      [...args, "--settings", settings, "-c", inside],
      dir,
      srt.env,
    );
    const direct = await times(
      "curl",
      ["-sS", "--cacert", ca, "-o", "/dev/null", "-w", "%{time_total}\n", ...urls],
      dir,
      {},
    );
    if (viaSrt.length < REQUESTS / 2 || direct.length < REQUESTS / 2) {
      return { reason: "curl did not complete the requests (through srt or directly)" };
    }
    return { directP50: median(direct.slice(1)), srtP50: median(viaSrt.slice(1)) };
  } finally {
    await server.shutdown();
  }
}

async function times(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<number[]> {
  const output = await new Deno.Command(cmd, { args, cwd, env, stdout: "piped", stderr: "null" })
    .output();

  return new TextDecoder().decode(output.stdout).split("\n").map(Number).filter((n) => n > 0)
    .map((seconds) => seconds * 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
