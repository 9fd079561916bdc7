/** Quotes one word for a POSIX shell: the result always stands for exactly `word`. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}

/**
 * bash code that closes every descriptor above `highest`: whatever the CLI inherited from its
 * own parent (a pipe, a directory) must never reach the sandbox. Needs bash for `{fd}>&-`.
 */
export function closeFdsAbove(highest: number): string {
  return `for fd in /proc/$$/fd/*; do fd=\${fd##*/}; ` +
    `if [ "$fd" -gt ${highest} ] && [ -e "/proc/$$/fd/$fd" ]; then exec {fd}>&-; fi; done`;
}

/** The environment the host-side helpers run with: nothing from the operator's. */
export const HOST_ENV: Readonly<Record<string, string>> = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" };
