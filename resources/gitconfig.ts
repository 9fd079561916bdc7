import { basename, dirname, join } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import { defineResource, type Observation } from "../engine/resource_type.ts";
import type { GitUser } from "../manifest/types.ts";
import { sha256Hex } from "../lib/sha256.ts";
import { isDirectory, removeInHome } from "./bottle_home.ts";
import { readFiles, writeFiles } from "./confined_files.ts";
import type { BottleContext } from "./bottle_context.ts";
import { GATE_PORT } from "../sidecars/gitgate/wire.ts";
import { parseGitRemote, remoteSpellings } from "../manifest/git_remote.ts";

/**
 * `gitconfig` inputs: the bottle's `~/.gitconfig` (host path, directly in the bottle's home)
 * and its git identity.
 */
export const gitconfigInputs = z.object({
  path: z.string(),
  bottle: z.string(),
  user: z.object({ name: z.string(), email: z.string() }),
  /** The git gate's rewrites; absent when the bottle declares no upstream. */
  gate: z.object({
    /** `http://127.0.0.1:PORT` inside the sandbox. */
    url: z.string(),
    upstreams: z.array(z.object({ name: z.string(), spellings: z.array(z.string()) })),
  }).optional(),
});
export type GitconfigInputs = z.infer<typeof gitconfigInputs>;

const outputs = z.object({ sha256: z.string() });
type GitconfigOutputs = z.infer<typeof outputs>;

/** The bottle's `git_user`, completed so a commit never stops at "Please tell me who you are". */
export function gitIdentity(bottle: string, user: GitUser | undefined): GitconfigInputs["user"] {
  return {
    name: user?.name ?? `bot-bottle agent (${bottle})`,
    email: user?.email ?? `agent@${bottle}.bot-bottle.invalid`,
  };
}

/** The file's text; values are quoted so `;`, `#` and `\` mean nothing to git. */
export function renderGitconfig(inputs: GitconfigInputs): string {
  const quote = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return [
    `# Written by bot-bottle (gitconfig.${inputs.bottle}); apply puts back any edit.`,
    "[user]",
    `\tname = ${quote(inputs.user.name)}`,
    `\temail = ${quote(inputs.user.email)}`,
    "[init]",
    "\tdefaultBranch = main",
    "[safe]",
    "\tdirectory = /workspace",
    ...(inputs.gate ? gateRewrites(inputs.gate, quote) : []),
    "",
  ].join("\n");
}

/**
 * URL prefixes git could reach an upstream by, and the gate's folder for each: a remote not
 * declared is sent there, and the gate refuses it quoting the URL as written.
 */
const UNDECLARED: readonly [prefix: string, folder: string][] = [
  ["git@", "scp"],
  ["ssh://", "ssh"],
  ["https://", "https"],
  ["http://", "http"],
  ["git://", "git"],
  ["ftp://", "ftp"],
  ["ftps://", "ftps"],
];

/**
 * Every spelling of a declared upstream goes to the gate as `/NAME.git` (without `.git`: as
 * `/NAME`); any other remote goes to `/_undeclared/…`, where the gate refuses it naming the
 * manifest key to add. git takes the longest matching `insteadOf`, so the order is free; the
 * gate's own URL maps to itself so the catch-all for `http://` leaves it alone.
 */
function gateRewrites(
  gate: NonNullable<GitconfigInputs["gate"]>,
  quote: (value: string) => string,
): string[] {
  const lines: string[] = [];
  const section = (url: string, from: readonly string[]): void => {
    lines.push(`[url ${quote(url)}]`, ...from.map((prefix) => `\tinsteadOf = ${quote(prefix)}`));
  };
  for (const upstream of gate.upstreams) {
    const withGit = upstream.spellings.filter((url) => url.endsWith(".git"));
    const without = upstream.spellings.filter((url) => !url.endsWith(".git"));
    section(`${gate.url}/${upstream.name}.git`, withGit);
    if (without.length > 0) section(`${gate.url}/${upstream.name}`, without);
  }
  for (const [prefix, folder] of UNDECLARED) {
    section(`${gate.url}/_undeclared/${folder}/`, [prefix]);
  }
  section(`${gate.url}/`, [`${gate.url}/`]);
  return lines;
}

/**
 * The agent's `~/.gitconfig`: its identity (an agent's own `git_user` goes in its env). It is in
 * the agent's home, so it is read and written as the agent, in a confined sandbox
 * (confined_files.ts): a symlink the agent put at it (or at its `.tmp`) is drift, replaced,
 * never followed. Mode 0600; a loosened mode or an edit behind the engine's back is drift.
 */
export const gitconfigProvider = defineResource({
  type: "gitconfig",
  inputs: gitconfigInputs,
  outputs,
  replaceKeys: ["path"],
  repairsDriftInPlace: true,
  async read(_ctx, instance): Promise<Observation<GitconfigOutputs>> {
    const { path } = instance.inputs;
    const home = dirname(path);
    if (!isDirectory(home)) return { status: "missing", reason: `${home} does not exist` };
    const live = (await readFiles(home, [basename(path)])).get(basename(path));
    if (!live || live.kind === "missing") {
      return { status: "missing", reason: `git config ${path} does not exist` };
    }
    if (live.kind !== "file") {
      const what = live.kind === "directory" ? "a directory" : live.what;
      return { status: "found", outputs: { sha256: "" }, drift: [`${path} is ${what}`] };
    }
    const text = new TextDecoder().decode(live.bytes);
    const drift = (live.mode & 0o077) !== 0 ? [`${path} is readable by others`] : [];
    if (text !== renderGitconfig(instance.inputs)) drift.push(`${path} was edited`);
    return { status: "found", outputs: { sha256: sha256Hex(text) }, drift };
  },
  create: (_ctx, instance) => write(instance.inputs),
  update: (_ctx, instance) => write(instance.inputs),
  async delete(_ctx, instance): Promise<void> {
    const { path } = instance.inputs;
    await removeInHome(dirname(path), [basename(path)]);
  },
});

export function gitconfigNodes(bottle: BottleContext): ResourceNode[] {
  return [gitconfigProvider.node({
    id: bottle.id("gitconfig"),
    bottle: bottle.name,
    inputs: {
      path: join(bottle.paths.homeDir, ".gitconfig"),
      bottle: bottle.name,
      user: gitIdentity(bottle.name, bottle.manifest.git_user),
      ...gateRewriteInputs(bottle),
    },
    dependsOn: [bottle.id("bottle_dir")],
    replaceWith: [bottle.id("bottle_dir")],
  })];
}

async function write(inputs: GitconfigInputs): Promise<GitconfigOutputs> {
  const text = renderGitconfig(inputs);
  await writeFiles(dirname(inputs.path), [{
    path: basename(inputs.path),
    kind: "file",
    mode: 0o600,
    bytes: new TextEncoder().encode(text),
  }]);
  return { sha256: sha256Hex(text) };
}

function gateRewriteInputs(bottle: BottleContext): Pick<GitconfigInputs, "gate"> {
  const upstreams = Object.entries(bottle.manifest.git);
  if (upstreams.length === 0) return {};
  return {
    gate: {
      url: `http://127.0.0.1:${GATE_PORT}`,
      upstreams: upstreams.map(([name, upstream]) => ({
        name,
        spellings: remoteSpellings(upstream.remote, parseGitRemote(upstream.remote)),
      })),
    },
  };
}
