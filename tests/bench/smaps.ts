/** Memory of a process from `/proc/PID/smaps_rollup`, and per-bundle sums of it. */

export interface ProcessMemory {
  /** Resident set size, kB: every resident page, shared ones counted in full. */
  rssKb: number;
  /** Proportional set size, kB: each shared page divided among the processes mapping it. */
  pssKb: number;
}

/** The `Rss:` and `Pss:` fields of an smaps_rollup text (null if either is missing). */
export function parseSmapsRollup(text: string): ProcessMemory | null {
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(text);
    return match === null ? null : Number(match[1]);
  };
  const rssKb = field("Rss");
  const pssKb = field("Pss");
  return rssKb === null || pssKb === null ? null : { rssKb, pssKb };
}

/** A live process's memory, or null when it is gone or unreadable. */
export function readProcessMemory(pid: number): ProcessMemory | null {
  try {
    return parseSmapsRollup(Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`));
  } catch {
    return null;
  }
}

export function sumMemory(parts: readonly ProcessMemory[]): ProcessMemory {
  return parts.reduce(
    (sum, part) => ({ rssKb: sum.rssKb + part.rssKb, pssKb: sum.pssKb + part.pssKb }),
    { rssKb: 0, pssKb: 0 },
  );
}
