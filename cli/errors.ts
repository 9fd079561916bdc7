import { UserError } from "../app/errors.ts";

export { UserError };

/** Exit status for an error that is a bug in bot-bottle (sysexits' EX_SOFTWARE). */
export const INTERNAL_ERROR_EXIT = 70;

/**
 * Errors of these names are raised for the operator by the engine (a held lock, a live
 * state that could not be read) and carry a message that says what to do.
 */
const OPERATOR_ERROR_NAMES = new Set(["LockError", "PlanError", "GitError"]);

interface HasFormat {
  format(): string;
}

interface HasFix {
  fix: string;
}

interface HasHint {
  hint: string;
}

interface HasLocatedErrors {
  errors: readonly {
    file: string;
    line?: number;
    col?: number;
    message: string;
    hint: string;
  }[];
}

/** One located problem in the `--json` error document. */
export interface JsonDiagnostic {
  file: string;
  line: number | null;
  col: number | null;
  message: string;
  hint: string | null;
}

/** What `--json` commands print on stdout when they fail. */
export interface JsonErrorDocument {
  error: {
    message: string;
    hint: string | null;
    internal: boolean;
    diagnostics: JsonDiagnostic[];
  };
}

export interface ReportOptions {
  /** Print the error as a JSON document on stdout instead of text on stderr. */
  json?: boolean;
}

/**
 * True for an error no operator input should cause: anything that is not a UserError, a
 * manifest error, an error carrying a hint or fix, or one of the engine's operator errors.
 * Reaching the user, it is a bug (fuzzers treat it as a failure).
 */
export function isInternalError(error: unknown): boolean {
  if (error instanceof UserError) return false;
  if (isFormattable(error) || hasHint(error) || hasFix(error)) return false;
  return !(error instanceof Error && OPERATOR_ERROR_NAMES.has(error.name));
}

/** The exit status reportError gives an error. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UserError) return error.exitCode;
  return isInternalError(error) ? INTERNAL_ERROR_EXIT : 1;
}

/** The `--json` form of an error. */
export function jsonErrorOf(error: unknown): JsonErrorDocument {
  const internal = isInternalError(error);
  const message = messageOf(error);
  return {
    error: {
      message: internal ? `internal error: ${message}` : message,
      hint: internal ? bugReportHint() : hintOf(error),
      internal,
      diagnostics: diagnosticsOf(error),
    },
  };
}

/** The text form of an error (no stack), as printed on stderr. */
export function formatError(error: unknown): string {
  if (error instanceof UserError) {
    return error.hint
      ? `error: ${error.message}\n  hint: ${error.hint}`
      : `error: ${error.message}`;
  }
  if (isFormattable(error)) return error.format();
  if (isInternalError(error)) {
    return `internal error: ${messageOf(error)}\n  ${bugReportHint()}`;
  }
  const hint = hintOf(error);
  const label = hasFix(error) ? "fix" : "hint";
  return hint ? `error: ${messageOf(error)}\n  ${label}: ${hint}` : `error: ${messageOf(error)}`;
}

/**
 * Prints any error for a human (stderr) or, with `json`, as a JSON document on stdout;
 * never a stack trace unless BOT_BOTTLE_DEBUG is set. Returns the exit status.
 */
export function reportError(error: unknown, options: ReportOptions = {}): number {
  if (Deno.env.get("BOT_BOTTLE_DEBUG") && error instanceof Error) console.error(error.stack);
  if (options.json) console.log(JSON.stringify(jsonErrorOf(error), null, 2));
  else console.error(formatError(error));
  return exitCodeFor(error);
}

function bugReportHint(): string {
  const command = ["bottle", ...Deno.args].join(" ");
  return "this is a bug in bot-bottle; please report it with the output of " +
    `BOT_BOTTLE_DEBUG=1 ${command}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hintOf(error: unknown): string | null {
  if (hasHint(error)) return error.hint;
  if (hasFix(error)) return error.fix;
  return null;
}

function diagnosticsOf(error: unknown): JsonDiagnostic[] {
  const located = hasLocatedErrors(error) ? error.errors : hasLocation(error) ? [error] : [];
  return located.map((item) => ({
    file: item.file,
    line: item.line ?? null,
    col: item.col ?? null,
    message: item.message,
    hint: item.hint ?? null,
  }));
}

function isFormattable(error: unknown): error is HasFormat {
  return typeof (error as HasFormat | null)?.format === "function";
}

function hasFix(error: unknown): error is HasFix {
  return typeof (error as HasFix | null)?.fix === "string";
}

function hasHint(error: unknown): error is HasHint {
  return typeof (error as HasHint | null)?.hint === "string";
}

function hasLocatedErrors(error: unknown): error is HasLocatedErrors {
  return Array.isArray((error as HasLocatedErrors | null)?.errors) &&
    (error as HasLocatedErrors).errors.every(hasLocation);
}

function hasLocation(error: unknown): error is HasLocatedErrors["errors"][number] {
  return typeof (error as { file?: unknown } | null)?.file === "string" &&
    typeof (error as { message?: unknown }).message === "string";
}
