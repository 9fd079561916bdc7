import { UserError } from "./errors.ts";

/** A wait: milliseconds, or text such as `30s`, `2m`, `500ms` (a bare number is seconds). */
export type Duration = number | string;

/** Milliseconds of a Duration (text is parsed by parseDuration). */
export function durationMs(duration: Duration | undefined): number {
  if (duration === undefined) return 0;
  return typeof duration === "number" ? duration : parseDuration(duration);
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses `30s`, `2m`, `500ms`, `2h`, `1d` or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) {
    throw new UserError(`invalid duration "${text}"`, "write e.g. 30s, 2m, 500ms, 2h or 1d");
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? "s"]);
}
