import { seccompFilter } from "../seccomp/mod.ts";

let cached: Uint8Array | null = null;

/**
 * The seccomp filter every process of a bwrap bottle runs under: bwrap loads it for pid 1
 * (`--seccomp`), enter.ts for every process `exec` starts (see backends/seccomp/).
 */
export function sandboxSeccomp(): Uint8Array {
  cached ??= seccompFilter();
  return cached;
}
