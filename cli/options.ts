import { InvalidArgumentError } from "commander";

export const MAX_PARALLELISM = 64;

/** `--parallelism N`: an integer from 1 to 64, written in decimal digits. */
export function parseParallelism(value: string): number {
  const n = /^[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARALLELISM) {
    throw new InvalidArgumentError(`it must be a whole number from 1 to ${MAX_PARALLELISM}.`);
  }
  return n;
}
