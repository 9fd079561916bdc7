/** Client-side tools of the egress bench: the door's socat forwarder, curl, and medians. */
import { SOCAT_BUFFER_BYTES } from "../../backends/bwrap/door.ts";
import { accepts, poll } from "../../lib/wait.ts";

/** The in-bottle forwarder: socat from 127.0.0.1:PORT to the proxy socket, as the door runs it. */
export async function startSocat(socket: string): Promise<{ port: number; stop(): Promise<void> }> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command("socat", {
    args: [
      "-b",
      String(SOCAT_BUFFER_BYTES),
      `TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`,
      `UNIX-CONNECT:${socket}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  if (!await poll(() => accepts(port), { timeoutMs: 5000 })) throw new Error("socat did not start");
  return {
    port,
    async stop(): Promise<void> {
      try {
        child.kill("SIGTERM");
      } catch {
        // exited
      }
      await child.status;
    },
  };
}

export async function curl(args: string[], timeoutMs: number): Promise<string> {
  const out = await new Deno.Command("curl", {
    args: ["-sS", "--fail", "--max-time", String(Math.ceil(timeoutMs / 1000)), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) throw new Error(`curl exited ${out.code}: ${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

export function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}

/** `count` GETs on one kept-alive connection; per-request total times after the first. */
export async function series(
  base: string[],
  url: string,
  count: number,
  timeoutMs: number,
): Promise<number[]> {
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) args.push("--next");
    args.push(...base, "-o", "/dev/null", "-w", "%{time_total}\n", url);
  }
  const out = await curl(args, timeoutMs);
  return out.trim().split("\n").slice(1).map((s) => Number(s) * 1000);
}
