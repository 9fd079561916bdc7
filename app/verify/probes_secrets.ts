/**
 * secrets: the agent holds placeholders, never a real secret. The real values are known only
 * on the host (the bundle's secrets file); they are looked for in what the agent can read,
 * and never sent into the bottle to do so.
 */
import {
  decodeHex,
  type OutputSpec,
  readOutput,
  type ReadResult,
  tampered,
  unframe,
} from "./output.ts";
import {
  type BottleSearch,
  combineSearch,
  DUMP_SCRIPT,
  type Hit,
  type Needle,
  splitDump,
} from "./search.ts";
import { perlLine } from "./syscalls.ts";
import { allOf, fail, noOutput, pass, skip } from "./verdict.ts";
import type { BottleSecret, Judgement, Probe, ProbeIO, ScriptResult } from "./types.ts";

export const PLACEHOLDER_PREFIX = "bb_placeholder_";

/** Perl: the environment, one `HEX(NAME)=HEX(VALUE)` line per variable (any byte survives). */
export const ENVIRONMENT_SCRIPT = perlLine(
  'for my $k (sort keys %ENV) { print unpack("H*", $k), "=", unpack("H*", $ENV{$k}), "\\n" }',
);

export const ENVIRONMENT_OUTPUT: OutputSpec = { names: /^(?:[0-9a-f]{2})+$/ };

/** The environment ENVIRONMENT_SCRIPT printed, read strictly (see output.ts). */
export function parseEnvironment(result: ScriptResult): ReadResult<Map<string, string>> {
  const read = readOutput(result, ENVIRONMENT_OUTPUT);
  if (!read.ok) return read;
  const env = new Map<string, string>();
  for (const key of read.value.keys()) {
    const name = decodeHex(key);
    const value = decodeHex(read.value.get(key) ?? "");
    if (name === null || value === null) return tampered(`${key}=${read.value.get(key)}`);
    env.set(name, value);
  }
  return { ok: true, value: env };
}

export function judgePlaceholders(
  result: ScriptResult,
  secrets: readonly BottleSecret[],
): Judgement {
  if (secrets.length === 0) return skip("the bottle injects no secret (no route with auth)");
  const read = parseEnvironment(result);
  if (!read.ok) return read.judgement;
  const env = read.value;
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

/**
 * Looks for `needles` in everything the agent can read (see search.ts); a dump that is not
 * framed as its run frames it (cut short, or written into) is no search.
 */
export async function searchBottle(
  io: ProbeIO,
  needles: readonly Needle[],
): Promise<ReadResult<BottleSearch>> {
  return searchDump(await io.inside(DUMP_SCRIPT), needles);
}

/** The search of one dump (pure). */
export function searchDump(
  dump: ScriptResult,
  needles: readonly Needle[],
): ReadResult<BottleSearch> {
  const framed = unframe(dump);
  if (!framed.ok) return framed;
  const { body, status } = framed.value;
  if (status !== 0) {
    return { ok: false, judgement: fail(`the dump did not finish (status ${status})`) };
  }
  if (!body.includes("==BB-VERIFY-SECTION")) return { ok: false, judgement: fail(noOutput(dump)) };
  return { ok: true, value: combineSearch(splitDump(body), needles) };
}

export const SECRET_PROBES: Probe[] = [
  {
    id: "secrets.placeholders",
    group: "secrets",
    property: "the agent's environment holds placeholders (bb_placeholder_…), not secrets",
    run: async (io): Promise<Judgement> =>
      judgePlaceholders(await io.inside(ENVIRONMENT_SCRIPT), io.target.secrets),
  },
  {
    id: "secrets.not-inside",
    group: "secrets",
    property: "no real secret is in any process's environment, the home or the workspace",
    run: async (io): Promise<Judgement> => {
      const needles = needlesOf(io.target.secrets);
      if (needles.length === 0) return judgeNotInside({ hits: [], searched: "" }, 0);
      const search = await searchBottle(io, needles);
      return search.ok ? judgeNotInside(search.value, needles.length) : search.judgement;
    },
  },
];
