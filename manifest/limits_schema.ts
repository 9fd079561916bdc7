import { z } from "zod";
import { strict } from "./schema_parts.ts";

/** A memory size as Docker and QEMU take it: a number of bytes, or with a k, m or g suffix. */
const MEMORY = /^[1-9][0-9]{0,12}[kmg]?$/;

const UNIT: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes in a `memory:` value (which MEMORY has accepted). */
export function memoryBytes(value: string): number {
  const unit = /[kmg]$/.test(value) ? value.slice(-1) : "";
  return Number(unit === "" ? value : value.slice(0, -1)) * UNIT[unit];
}

const MIN_MEMORY = 64 * 1024 ** 2;
const MAX_MEMORY = 1024 ** 4;

/**
 * `limits:` — what the bottle's sandbox may use. Enforced by the backends that run it under
 * cgroups or in a VM (docker, vm); bwrap runs without a daemon and enforces none of them.
 */
export const limits = strict({
  memory: z.string().regex(MEMORY, "write a size such as 4g, 512m or 1073741824")
    .refine(
      (value) => memoryBytes(value) >= MIN_MEMORY && memoryBytes(value) <= MAX_MEMORY,
      "memory must be between 64m and 1024g",
    ).optional(),
  cpus: z.number().min(0.1).max(256).optional(),
  pids: z.number().int().min(16).max(1_000_000).optional(),
});
