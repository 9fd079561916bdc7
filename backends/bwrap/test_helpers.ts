import { runOutput } from "../../lib/command.ts";

export const LINUX = Deno.build.os === "linux";
export const TEST_CLI = new URL("./test_cli.ts", import.meta.url).pathname;

/** Runs test_cli.ts in a fresh Deno process (a CLI that exits while the sandbox lives on). */
export async function cli(
  args: string[],
  options: { stdin?: string; wrapper?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = [Deno.execPath(), "run", "-A", "--quiet", TEST_CLI, ...args];
  const full = options.wrapper ? ["/bin/bash", "-c", options.wrapper, "wrapper", ...argv] : argv;
  const { code, stdout, stderr } = await runOutput(full[0], full.slice(1), {
    stdin: options.stdin,
  });
  return { code, stdout, stderr };
}

/** Live (non-zombie) host pids whose `ns/<kind>` link is `link`. */
export function pidsInNamespace(kind: "pid" | "mnt", link: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.readLinkSync(`/proc/${entry.name}/ns/${kind}`) !== link) continue;
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      if (stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") pids.push(Number(entry.name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

export function namespaceOf(pid: number, kind: "pid" | "mnt" | "net"): string {
  return Deno.readLinkSync(`/proc/${pid}/ns/${kind}`);
}
