/** An error meant for the operator: a message and a hint, printed without a stack. */
export class UserError extends Error {
  override name = "UserError";
  constructor(message: string, readonly hint?: string, readonly exitCode = 1) {
    super(message);
  }
}

interface HasFormat {
  format(): string;
}

interface HasFix {
  fix: string;
}

/** Prints any error for a human, never a stack trace (unless BOT_BOTTLE_DEBUG is set). */
export function reportError(error: unknown): number {
  if (Deno.env.get("BOT_BOTTLE_DEBUG") && error instanceof Error) console.error(error.stack);
  if (error instanceof UserError) {
    console.error(`error: ${error.message}`);
    if (error.hint) console.error(`  hint: ${error.hint}`);
    return error.exitCode;
  }
  if (isFormattable(error)) {
    console.error(error.format());
    return 1;
  }
  if (error instanceof Error) {
    console.error(`error: ${error.message}`);
    if (hasFix(error)) console.error(`  fix: ${error.fix}`);
    return 1;
  }
  console.error(`error: ${String(error)}`);
  return 1;
}

function isFormattable(error: unknown): error is HasFormat {
  return typeof (error as HasFormat | null)?.format === "function";
}

function hasFix(error: unknown): error is HasFix {
  return typeof (error as HasFix | null)?.fix === "string";
}
