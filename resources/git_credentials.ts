/**
 * The git gate's credentials: per upstream an SSH private key or an HTTPS token, and the
 * pinned host keys of an SSH upstream, in `gate/credentials/` (0600, outside the sandbox,
 * read only by the gate). Values are read from the operator's files or environment at apply
 * time; state keeps their sources and keyed fingerprints, so a rotated key plans as `~`.
 */

import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { defineResource, type Observation } from "../engine/resource_type.ts";
import { BoundedReadError, readBoundedText } from "../lib/bounded_read.ts";
import { parseGitRemote } from "../manifest/git_remote.ts";
import { knownHostsName } from "../lib/known_hosts.ts";
import type { SecretSource } from "../manifest/types.ts";
import { sha256Hex } from "../lib/sha256.ts";
import type { BottleContext } from "./bottle_context.ts";
import { Fingerprinter } from "./fingerprint.ts";
import { reloadGate } from "./git_gate_process.ts";
import {
  expandHome,
  readSecret,
  SECRET_FILE_LIMIT,
  secretSourceSchema,
  SecretUnavailable,
} from "./secret_source.ts";

const credential = z.object({
  name: z.string(),
  kind: z.enum(["ssh-key", "token", "none"]),
  source: secretSourceSchema.optional(),
  /** Keyed fingerprint of the key or token (see Fingerprinter). */
  fingerprint: z.string().optional(),
  /**
   * SSH: the pinned host keys (known_hosts lines): the manifest's `known_hosts:`, else the
   * operator's entries for the host, read at plan (compile) time, so a changed key plans as `~`.
   */
  known_hosts: z.string().optional(),
});
export type GitCredential = z.infer<typeof credential>;

export const gitCredentialsInputs = z.object({
  dir: z.string(),
  credentials: z.array(credential),
});
export type GitCredentialsInputs = z.infer<typeof gitCredentialsInputs>;
const outputs = z.object({ sha256: z.string() });
type GitCredentialsOutputs = z.infer<typeof outputs>;

/** Reads an SSH private key file: bounded, and recognisably a private key. */
export function readPrivateKey(source: SecretSource, env: Record<string, string>): string {
  const path = expandHome(source.file ?? "", env);
  let text: string;
  try {
    text = readBoundedText(path, SECRET_FILE_LIMIT);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    throw new SecretUnavailable(
      `cannot read the SSH key: ${error.message}`,
      "point `credential: {file: …}` at a private key file (mode 0600)",
    );
  }
  if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/m.test(text)) {
    throw new SecretUnavailable(
      `${path} is not a private key (no "-----BEGIN … PRIVATE KEY-----" line)`,
      "point `credential: {file: …}` at the private key, not the .pub file",
    );
  }
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** The credential's value as the gate's file holds it. */
export function readCredential(
  kind: GitCredential["kind"],
  source: SecretSource,
  env: Record<string, string>,
): string {
  return kind === "ssh-key" ? readPrivateKey(source, env) : readSecret(source, env);
}

export const gitCredentialsProvider = defineResource({
  type: "git_credentials",
  inputs: gitCredentialsInputs,
  outputs,
  replaceKeys: ["dir"],
  repairsDriftInPlace: true,
  read(ctx, instance): Promise<Observation<GitCredentialsOutputs>> {
    return Promise.resolve(observe(ctx.stateDir, instance.inputs));
  },
  create: (ctx, instance) => write(ctx, instance.bottle, instance.inputs),
  update: (ctx, instance) => write(ctx, instance.bottle, instance.inputs),
  delete(_ctx, instance): Promise<void> {
    rmSync(instance.inputs.dir, { recursive: true, force: true });
    return Promise.resolve();
  },
});

/** The live files against the recorded credentials: a changed file or mode is drift. */
function observe(
  stateDir: string,
  inputs: GitCredentialsInputs,
): Observation<GitCredentialsOutputs> {
  const { dir, credentials } = inputs;
  if (!existsSync(dir)) return { status: "missing", reason: `${dir} does not exist` };
  const fingerprints = new Fingerprinter(stateDir);
  const drift: string[] = [];
  let all = "";
  for (const item of credentials) {
    for (const [file, wanted] of expectedFiles(item, fingerprints)) {
      const path = join(dir, file);
      if (!existsSync(path)) {
        drift.push(`${path} is missing`);
        continue;
      }
      if ((statSync(path).mode & 0o077) !== 0) drift.push(`${path} is readable by others`);
      const text = readFileSync(path, "utf8");
      all += text;
      if (!wanted(text)) drift.push(`${path} does not hold the recorded credential`);
    }
  }
  return { status: "found", outputs: { sha256: sha256Hex(all) }, drift };
}

type Expected = [file: string, matches: (text: string) => boolean];

/** The files an upstream's credential takes, and how to tell a live one is right. */
function expectedFiles(item: GitCredential, fingerprints: Fingerprinter): Expected[] {
  const files: Expected[] = [];
  if (item.kind !== "none") {
    const file = `${item.name}.${item.kind === "ssh-key" ? "key" : "token"}`;
    files.push([file, (text) => {
      const value = item.kind === "token" ? text.replace(/\n$/, "") : text;
      return fingerprints.fingerprint(value) === item.fingerprint;
    }]);
  }
  if (item.known_hosts !== undefined) {
    const wanted = knownHostsText(item.known_hosts);
    files.push([`${item.name}.known_hosts`, (text) => text === wanted]);
  }
  return files;
}

async function write(
  ctx: ProviderContext,
  bottle: string,
  inputs: GitCredentialsInputs,
): Promise<GitCredentialsOutputs> {
  const texts = new Map<string, string>();
  for (const item of inputs.credentials) {
    if (item.kind !== "none" && item.source) {
      const value = readCredential(item.kind, item.source, ctx.env);
      texts.set(`${item.name}.${item.kind === "ssh-key" ? "key" : "token"}`, value);
    }
    if (item.known_hosts !== undefined) {
      texts.set(`${item.name}.known_hosts`, knownHostsText(item.known_hosts));
    }
  }
  mkdirSync(inputs.dir, { recursive: true, mode: 0o700 });
  for (const [file, text] of texts) {
    const path = join(inputs.dir, file);
    writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }
  for (const entry of Deno.readDirSync(inputs.dir)) {
    if (!texts.has(entry.name)) rmSync(join(inputs.dir, entry.name), { force: true });
  }
  await reloadGate(ctx, bottle, "credentials");
  return { sha256: sha256Hex([...texts.values()].join("")) };
}

function knownHostsText(lines: string): string {
  return lines.endsWith("\n") ? lines : `${lines}\n`;
}

export function gitCredentialsNodes(bottle: BottleContext): ResourceNode[] {
  const upstreams = Object.entries(bottle.manifest.git);
  if (upstreams.length === 0) return [];
  const credentials: GitCredential[] = upstreams.map(([name, upstream]) => {
    const remote = parseGitRemote(upstream.remote);
    const isSsh = remote.transport === "ssh";
    const kind = upstream.credential === undefined ? "none" : isSsh ? "ssh-key" : "token";
    const source = upstream.credential;
    return {
      name,
      kind,
      ...(source === undefined ? {} : {
        source,
        fingerprint: bottle.options.fingerprintSecret(bottle.manifest, {
          label: `git upstream ${name}`,
          source,
          read: (env) => readCredential(kind, source, env),
        }),
      }),
      ...(isSsh
        ? {
          known_hosts: upstream.known_hosts ??
            bottle.options.hostKeys(bottle.manifest, {
              label: `git upstream ${name}`,
              host: knownHostsName(remote.host, remote.port),
            }),
        }
        : {}),
    };
  });
  return [gitCredentialsProvider.node({
    id: bottle.id("git_credentials"),
    bottle: bottle.name,
    inputs: {
      dir: join(bottle.paths.gateDir, "credentials"),
      credentials,
    },
    dependsOn: [bottle.id("git_gate_dir")],
  })];
}
