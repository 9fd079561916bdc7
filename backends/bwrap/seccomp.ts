import { sandboxFiles } from "./layout.ts";

let cached: Uint8Array | null = null;

/**
 * The seccomp filter every process of a bwrap bottle runs under: bwrap loads it for pid 1
 * (`--seccomp`), enter.ts for every process `exec` starts (see backends/seccomp/). A running
 * bottle's filter is the one its start compiled and kept beside it, so `bottle exec` neither
 * loads the compiler nor could enter with another filter than pid 1's.
 */
export async function sandboxSeccomp(backendDir?: string): Promise<Uint8Array> {
  if (backendDir) {
    try {
      const kept = Deno.readFileSync(sandboxFiles(backendDir).seccomp);
      if (kept.length > 0 && kept.length % 8 === 0) return kept;
    } catch {
      // not started by this version: compile it
    }
  }
  if (!cached) {
    const { seccompFilter } = await import("../seccomp/mod.ts");
    cached = seccompFilter();
  }
  return cached;
}
