import { UserError } from "./errors.ts";

/** A wait: milliseconds, or text such as `30s`, `2m`, `500ms` (a bare number is seconds). */
export type Duration = number | string;

/** Milliseconds of a Duration (text is parsed by parseDuration). */
export function durationMs(duration: Duration | undefined): number {
  if (duration === undefined) return 0;
  return typeof duration === "number" ? duration : parseDuration(duration);
}

/** Parses `30s`, `2m`, `500ms` or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) {
    throw new UserError(`invalid duration "${text}"`, "write e.g. 30s, 2m or 500ms");
  }
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  return Math.round(unit === "ms" ? value : unit === "s" ? value * 1000 : value * 60_000);
}
