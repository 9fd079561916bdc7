/**
 * debootstrap into a directory, its output kept in a log file, and the removal of such a
 * directory (unmounting what a failed debootstrap may have left mounted inside it first).
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../lib/command.ts";

export interface DebootstrapSpec {
  suite: string;
  packages: readonly string[];
  mirror: string;
  /** The new root: an empty directory of ours. */
  dir: string;
  /** Where debootstrap's output (and, on failure, its own log) goes. */
  logFile: string;
  timeoutMs?: number;
}

/** `debootstrap --variant=minbase --include=… SUITE DIR MIRROR`; a failure names the log. */
export async function debootstrap(spec: DebootstrapSpec): Promise<void> {
  const args = [
    "--variant=minbase",
    `--include=${spec.packages.join(",")}`,
    spec.suite,
    spec.dir,
    spec.mirror,
  ];
  const log = await Deno.open(spec.logFile, { write: true, create: true, truncate: true });
  const writer = log.writable.getWriter();
  let status: Deno.CommandStatus;
  try {
    const child = new Deno.Command("debootstrap", {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(spec.timeoutMs ?? 30 * 60_000),
    }).spawn();
    await Promise.all([copy(child.stdout, writer), copy(child.stderr, writer)]);
    status = await child.status;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        "debootstrap is not installed on this machine (apt-get install -y debootstrap)",
      );
    }
    throw error;
  } finally {
    await writer.close().catch(() => {});
  }
  if (status.success) return;
  const own = join(spec.dir, "debootstrap", "debootstrap.log");
  if (existsSync(own)) {
    appendFileSync(spec.logFile, `\n--- ${own}\n${readFileSync(own, "utf8")}`);
  }
  const how = status.signal ? `killed by ${status.signal}` : `exit ${status.code}`;
  const tail = readFileSync(spec.logFile, "utf8").trim().split("\n").slice(-5).join("\n");
  throw new Error(`debootstrap ${spec.suite} failed (${how}); its log: ${spec.logFile}\n${tail}`);
}

/** Unmounts whatever is mounted below `dir` (proc, sys, dev), then removes it. */
export async function removeRootfs(dir: string): Promise<void> {
  for (const mount of mountsUnder(dir)) await run("umount", ["-l", mount]);
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`${dir} still has mounts (${left.join(", ")}): not removed`);
  rmSync(dir, { recursive: true, force: true });
}

/** Mount points strictly below `dir`, deepest first. */
export function mountsUnder(dir: string, mountinfo?: string): string[] {
  const text = mountinfo ?? readFileSync("/proc/self/mountinfo", "utf8");
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return text.split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => point !== undefined)
    .map(unescapeMountPoint)
    .filter((point) => point.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** mountinfo writes space, tab, newline and backslash as `\ooo`. */
function unescapeMountPoint(point: string): string {
  return point.replace(
    /\\([0-7]{3})/g,
    (_, octal: string) => String.fromCharCode(parseInt(octal, 8)),
  );
}

async function copy(
  source: ReadableStream<Uint8Array>,
  sink: WritableStreamDefaultWriter<Uint8Array>,
): Promise<void> {
  for await (const chunk of source) await sink.write(chunk);
}
