/**
 * secrets: the agent holds placeholders, never a real secret. The real values are known only
 * on the host (the bundle's secrets file); they are looked for in what the agent can read,
 * and never sent into the bottle to do so.
 */
import { combineSearch, DUMP_SCRIPT, type Hit, type Needle, splitDump } from "./search.ts";
import { allOf, fail, noOutput, pass, skip } from "./verdict.ts";
import type { BottleSecret, Judgement, Probe, ProbeIO, ScriptResult } from "./types.ts";

export const PLACEHOLDER_PREFIX = "bb_placeholder_";

/** NAME=VALUE lines of `env` (a value with a newline keeps only its first line). */
export function parseEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, at))) {
      env.set(line.slice(0, at), line.slice(at + 1));
    }
  }
  return env;
}

export function judgePlaceholders(
  result: ScriptResult,
  secrets: readonly BottleSecret[],
): Judgement {
  if (secrets.length === 0) return skip("the bottle injects no secret (no route with auth)");
  const env = parseEnv(result.stdout);
  if (env.size === 0) return fail(noOutput(result));
  const checks = secrets.flatMap((secret) => {
    const holders = [...env].filter(([, value]) => value === secret.placeholder).map(([n]) => n);
    const leaks = [...env].filter(([, value]) => value.includes(secret.value)).map(([n]) => n);
    const placeholder = {
      ok: holders.length > 0 && secret.placeholder.startsWith(PLACEHOLDER_PREFIX),
      evidence: holders.length > 0
        ? `${holders.join(", ")}=${secret.placeholder.slice(0, PLACEHOLDER_PREFIX.length)}… ` +
          `(${secret.host})`
        : `no variable holds the placeholder for ${secret.host}`,
    };
    const leak = {
      ok: false,
      evidence: `${leaks.join(", ")} hold(s) the real secret for ${secret.host}`,
    };
    return leaks.length > 0 ? [placeholder, leak] : [placeholder];
  });
  return allOf(checks);
}

export function needlesOf(secrets: readonly BottleSecret[]): Needle[] {
  return secrets.map((secret) => ({ label: `the secret for ${secret.host}`, value: secret.value }));
}

export function judgeNotInside(
  search: { hits: Hit[]; searched: string },
  count: number,
): Judgement {
  if (count === 0) return skip("the bottle injects no secret (no route with auth)");
  if (search.hits.length > 0) {
    const shown = search.hits.slice(0, 5).map((hit) => `${hit.label} is in ${hit.where}`);
    const more = search.hits.length - shown.length;
    return fail(shown.join("; ") + (more > 0 ? ` (+${more} more)` : ""));
  }
  return pass(`no secret (${count}) in ${search.searched}`);
}

/** Looks for `needles` in everything the agent can read (see search.ts). */
export async function searchBottle(
  io: ProbeIO,
  needles: readonly Needle[],
): Promise<{ hits: Hit[]; searched: string }> {
  const dump = await io.inside(DUMP_SCRIPT);
  if (!dump.stdout.includes("==BB-VERIFY-SECTION")) throw new Error(noOutput(dump));
  return combineSearch(splitDump(dump.stdout), needles);
}

export const SECRET_PROBES: Probe[] = [
  {
    id: "secrets.placeholders",
    group: "secrets",
    property: "the agent's environment holds placeholders (bb_placeholder_…), not secrets",
    run: async (io): Promise<Judgement> =>
      judgePlaceholders(await io.inside("env"), io.target.secrets),
  },
  {
    id: "secrets.not-inside",
    group: "secrets",
    property: "no real secret is in any process's environment, the home or the workspace",
    run: async (io): Promise<Judgement> => {
      const needles = needlesOf(io.target.secrets);
      if (needles.length === 0) return judgeNotInside({ hits: [], searched: "" }, 0);
      return judgeNotInside(await searchBottle(io, needles), needles.length);
    },
  },
];
