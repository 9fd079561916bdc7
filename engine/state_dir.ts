/** The per-user state directory: `$BOT_BOTTLE_STATE_DIR`, else `$XDG_STATE_HOME/bot-bottle`. */
export function resolveStateDir(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string {
  if (env.BOT_BOTTLE_STATE_DIR) return env.BOT_BOTTLE_STATE_DIR;
  const xdg = env.XDG_STATE_HOME || `${env.HOME ?? "/tmp"}/.local/state`;
  return `${xdg}/bot-bottle`;
}

/** Where one bottle's files live (door sockets, logs, workspace, backend files). */
export function bottleDir(stateDir: string, bottle: string): string {
  return `${stateDir}/bottles/${bottle}`;
}
