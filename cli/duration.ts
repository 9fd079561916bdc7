import { UserError } from "./errors.ts";

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
