import { UserError } from "./errors.ts";

/**
 * Asks y/N on a terminal. Without a terminal there is nobody to ask: refuse unless the
 * operator passed --yes.
 */
export async function confirm(question: string, assumeYes: boolean): Promise<boolean> {
  if (assumeYes) return true;
  if (!Deno.stdin.isTerminal()) {
    throw new UserError(
      "refusing to change anything without confirmation: stdin is not a terminal",
      "review the plan, then pass --yes (or apply a saved plan: plan --out F; apply F)",
    );
  }
  await Deno.stdout.write(new TextEncoder().encode(`${question} [y/N] `));
  const buffer = new Uint8Array(256);
  const read = await Deno.stdin.read(buffer);
  const answer = new TextDecoder().decode(buffer.subarray(0, read ?? 0)).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}
