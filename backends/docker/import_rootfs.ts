/**
 * A root filesystem directory → a Docker image: `tar -C DIR -c . | docker import`, streamed
 * (a rootfs is hundreds of MB). The import is untagged until tar is known to have finished,
 * so a tar that fails midway never leaves a truncated image under the tag.
 */
import { docker, dockerProgram } from "./cli.ts";

export interface ImportSpec {
  dir: string;
  tag: string;
  /** Dockerfile instructions applied to the image (`CMD […]`, `LABEL k="v"`). */
  changes: readonly string[];
  message: string;
  timeoutMs?: number;
}

/** Imports `dir` as `tag`; returns the image id. */
export async function importRootfs(spec: ImportSpec): Promise<string> {
  const signal = AbortSignal.timeout(spec.timeoutMs ?? 20 * 60_000);
  const tar = new Deno.Command("tar", {
    args: ["-C", spec.dir, "--numeric-owner", "-c", "."],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).spawn();
  const importer = new Deno.Command(dockerProgram(), {
    args: [
      "import",
      ...spec.changes.flatMap((change) => ["--change", change]),
      "--message",
      spec.message,
      "-",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).spawn();
  // A reader that stops early makes the pipe fail; the two statuses below say why.
  const piped = tar.stdout.pipeTo(importer.stdin).catch(() => {});
  const [tarErr, id, importErr, tarStatus, importStatus] = await Promise.all([
    new Response(tar.stderr).text(),
    new Response(importer.stdout).text(),
    new Response(importer.stderr).text(),
    tar.status,
    importer.status,
    piped,
  ]);
  if (!importStatus.success) {
    throw new Error(
      `docker import of ${spec.dir} failed: ${importErr.trim() || statusText(importStatus)}`,
    );
  }
  const image = id.trim();
  if (!tarStatus.success) {
    await docker(["image", "rm", image]).catch(() => {});
    throw new Error(`tar -C ${spec.dir} failed: ${tarErr.trim() || statusText(tarStatus)}`);
  }
  await docker(["tag", image, spec.tag]);
  return image;
}

function statusText(status: Deno.CommandStatus): string {
  return status.signal ? `killed by ${status.signal}` : `exit ${status.code}`;
}
