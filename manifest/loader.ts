import { basename, join } from "node:path";
import { parseManifest } from "./document.ts";
import { ManifestError, ManifestErrors } from "./errors.ts";
import { type BottleSource, resolveBottles } from "./extends.ts";
import { agentSchema, bottleSchema } from "./schema.ts";
import { resolveSkills } from "./skills.ts";
import { didYouMean } from "./suggest.ts";
import { checkWorkspaceKey } from "./workspace.ts";
import type { AgentManifest, Project } from "./types.ts";

const NAME = /^[a-z][a-z0-9-]{0,30}$/;

interface ManifestFile {
  name: string;
  file: string;
  text: string;
}

/**
 * Load and validate every manifest under `dir` (`bottles/*.md`, `agents/*.md`). Every
 * problem in every file is collected and thrown together as one ManifestErrors.
 */
export async function loadProject(dir: string): Promise<Project> {
  let root: string;
  try {
    root = await Deno.realPath(dir);
  } catch {
    throw new ManifestErrors([
      new ManifestError(
        dir,
        undefined,
        undefined,
        "manifest directory not found",
        "run from the directory holding `bottles/`, or pass its path",
      ),
    ]);
  }
  const errors: ManifestError[] = [];
  const bottleFiles = await readManifests(join(root, "bottles"), errors);
  const agentFiles = await readManifests(join(root, "agents"), errors);
  if (bottleFiles.length === 0) {
    errors.push(
      new ManifestError(
        join(root, "bottles"),
        undefined,
        undefined,
        "no bottles: the project needs at least one `bottles/NAME.md`",
        "create `bottles/dev.md` starting with `---`, `backend: bwrap`, `---` " +
          "(see examples/bottles/dev.md)",
      ),
    );
  }
  const bottleNames = new Set(bottleFiles.map((entry) => entry.name));
  const sources = new Map<string, BottleSource>();
  for (const entry of bottleFiles) {
    const result = parseManifest(entry.file, entry.text, bottleSchema, "bottle");
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const { data, body, locate } = result.manifest;
    if (!checkWorkspaceKey(entry.file, data, locate, errors)) continue;
    sources.set(entry.name, { name: entry.name, file: entry.file, raw: data, notes: body, locate });
  }
  const resolved = resolveBottles(sources, bottleNames);
  errors.push(...resolved.errors);
  const agents = new Map<string, AgentManifest>();
  for (const entry of agentFiles) {
    const agent = loadAgent(entry, bottleNames, errors);
    if (agent !== undefined) agents.set(agent.name, agent);
  }
  if (errors.length > 0) throw new ManifestErrors(errors);
  return { dir: root, bottles: resolved.bottles, agents };
}

function loadAgent(
  entry: ManifestFile,
  bottleNames: ReadonlySet<string>,
  errors: ManifestError[],
): AgentManifest | undefined {
  const result = parseManifest(entry.file, entry.text, agentSchema, "agent");
  if (!result.ok) {
    errors.push(...result.errors);
    return undefined;
  }
  const { data, body, locate } = result.manifest;
  if (!bottleNames.has(data.bottle)) {
    const { line, col } = locate(["bottle"]);
    const names = [...bottleNames].sort();
    errors.push(
      new ManifestError(
        entry.file,
        line,
        col,
        `agent \`${entry.name}\` uses bottle \`${data.bottle}\`, which does not exist` +
          didYouMean(data.bottle, names),
        names.length > 0
          ? `bottles that exist: ${names.join(", ")}`
          : "create `bottles/NAME.md` first",
      ),
    );
    return undefined;
  }
  const skills = resolveSkills(
    entry.file,
    data.skills,
    Deno.env.get("HOME") ?? "/",
    (index) => locate(["skills", index]),
  );
  if (skills.errors.length > 0) {
    errors.push(...skills.errors);
    return undefined;
  }
  return {
    name: entry.name,
    file: entry.file,
    provider: data.provider,
    bottle: data.bottle,
    skills: skills.skills,
    ...(data.git_user ? { gitUser: data.git_user } : {}),
    mcpServers: Object.fromEntries(
      Object.entries(data.mcp_servers).map(([name, server]) => [
        name,
        server.url !== undefined
          ? { url: server.url }
          : { command: server.command ?? [], env: server.env ?? {} },
      ]),
    ),
    ...(data.attach_command ? { attachCommand: data.attach_command } : {}),
    ...(data.run_command ? { runCommand: data.run_command } : {}),
    prompt: body,
  };
}

/** The `*.md` files of `dir`, sorted; a missing directory has none. */
async function readManifests(dir: string, errors: ManifestError[]): Promise<ManifestFile[]> {
  const paths: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.endsWith(".md")) paths.push(join(dir, entry.name));
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    errors.push(unreadable(dir, error, "check that it is a readable directory"));
    return [];
  }
  paths.sort();
  const files: ManifestFile[] = [];
  for (const file of paths) {
    const name = basename(file, ".md");
    try {
      if (!(await Deno.stat(file)).isFile) continue;
      if (NAME.test(name)) {
        files.push({ name, file, text: await Deno.readTextFile(file) });
      } else {
        errors.push(invalidName(file, name));
      }
    } catch (error) {
      errors.push(unreadable(file, error, "check the file's permissions"));
    }
  }
  return files;
}

function invalidName(file: string, name: string): ManifestError {
  return new ManifestError(
    file,
    1,
    1,
    `\`${name}\` is not a valid manifest name`,
    "rename the file: lower-case letters, digits and `-`, starting with a letter, " +
      "at most 31 characters (e.g. `dev.md`)",
  );
}

function unreadable(path: string, error: unknown, hint: string): ManifestError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ManifestError(path, undefined, undefined, `cannot read: ${reason}`, hint);
}
