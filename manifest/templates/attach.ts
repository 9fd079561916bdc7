/**
 * `bottle attach`: the agent's interactive CLI runs in a tmux session inside the sandbox, one
 * tmux server per agent (its socket in the sandbox's private /tmp), so detaching leaves it
 * running and attaching again returns to the same screen.
 */

/** Detaches without the tmux prefix (C-b d works too). Not a key Claude Code uses. */
export const DETACH_KEY = "C-]";

/** The tmux server's socket name (`tmux -L`) for one agent. */
export function tmuxSocketName(agent: string): string {
  return `bot-bottle-${agent}`;
}

/**
 * tmux creates the session running `cliArgv`, or re-attaches to it (`-A`); then hides the
 * status bar and binds the detach key. A `;` argument separates tmux commands, so the CLI's
 * own arguments may not be a bare `;`.
 */
export function buildAttachArgv(agent: string, cliArgv: readonly string[]): string[] {
  if (cliArgv.length === 0) throw new Error("attach needs a command");
  if (cliArgv.some((arg) => arg === ";" || arg.endsWith("\\;"))) {
    throw new Error("an attach command argument may not be a bare ';'");
  }
  return [
    "tmux",
    "-u",
    "-L",
    tmuxSocketName(agent),
    "new-session",
    "-A",
    "-s",
    agent,
    "-c",
    "/workspace",
    "--",
    ...cliArgv,
    ";",
    "set-option",
    "-t",
    agent,
    "status",
    "off",
    ";",
    "bind-key",
    "-n",
    DETACH_KEY,
    "detach-client",
  ];
}
