import { basename, join } from "node:path";
import { BoundedReadError, readBounded } from "../lib/bounded_read.ts";
import { parseManifest } from "./document.ts";
import { ManifestError, ManifestErrors } from "./errors.ts";
import { type BottleSource, resolveBottles } from "./extends.ts";
import { agentSchema, bottleSchema } from "./schema.ts";
import { resolveSkills } from "./skills.ts";
import { didYouMean } from "./suggest.ts";
import { checkWorkspaceKey } from "./workspace.ts";
import { MANIFEST_FILE_LIMIT } from "./limits.ts";
import { checkBackend, checkCaFiles } from "./referenced_files.ts";
import { decodeUtf8 } from "./utf8.ts";
import type { AgentManifest, Project } from "./types.ts";

const NAME = /^[a-z][a-z0-9-]{0,30}$/;

interface ManifestFile {
  name: string;
  file: string;
  /** Undefined when the file could not be read (the error is already recorded). */
  text: string | undefined;
}

export interface LoadOptions {
  /**
   * The backends this build can run (the CLI passes them; manifest/ does not import
   * backends/). A bottle that names another is an error at its `backend:`. Unset: not checked.
   */
  backends?: readonly string[];
}

const BOTTLE_KEYS = Object.keys(bottleSchema.shape);
const AGENT_KEYS = Object.keys(agentSchema.shape);

/**
 * Load and validate every manifest under `dir` (`bottles/*.md`, `agents/*.md`). Every
 * problem in every file is collected and thrown together as one ManifestErrors.
 */
export async function loadProject(dir: string, options: LoadOptions = {}): Promise<Project> {
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
    if (entry.text === undefined) continue;
    const result = parseManifest(entry.file, entry.text, bottleSchema, "bottle", BOTTLE_KEYS);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const { data, body, locate } = result.manifest;
    if (!checkWorkspaceKey(entry.file, data, locate, errors)) continue;
    const home = Deno.env.get("HOME") ?? "/";
    const fileErrors = [
      ...checkBackend(entry.file, data, locate, options.backends),
      ...checkCaFiles(entry.file, data, locate, home),
    ];
    if (fileErrors.length > 0) {
      errors.push(...fileErrors);
      continue;
    }
    sources.set(entry.name, { name: entry.name, file: entry.file, raw: data, notes: body, locate });
  }
  const resolved = resolveBottles(sources, bottleNames);
  errors.push(...resolved.errors);
  const agents = new Map<string, AgentManifest>();
  for (const entry of agentFiles) {
    const { text } = entry;
    if (text === undefined) continue;
    const agent = loadAgent({ ...entry, text }, bottleNames, errors);
    if (agent !== undefined) agents.set(agent.name, agent);
  }
  if (errors.length > 0) throw new ManifestErrors(errors);
  return { dir: root, bottles: resolved.bottles, agents };
}

function loadAgent(
  entry: ManifestFile & { text: string },
  bottleNames: ReadonlySet<string>,
  errors: ManifestError[],
): AgentManifest | undefined {
  const result = parseManifest(entry.file, entry.text, agentSchema, "agent", AGENT_KEYS);
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
    if (!NAME.test(name)) {
      if (!isDirectory(file)) errors.push(invalidName(file, name));
      continue;
    }
    if (isDirectory(file)) continue;
    files.push({ name, file, text: readManifest(file, errors) });
  }
  return files;
}

/** The text of one manifest: a regular file of bounded size in strict UTF-8. */
function readManifest(file: string, errors: ManifestError[]): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readBounded(file, MANIFEST_FILE_LIMIT);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    const hint = error.reason === "too-large"
      ? "a manifest holds keys and short notes; move long documentation to another file"
      : error.reason === "not-regular"
      ? "a manifest must be a regular file (not a FIFO, device or socket)"
      : "check the file's permissions";
    errors.push(
      new ManifestError(file, undefined, undefined, `cannot read: ${error.detail}`, hint),
    );
    return undefined;
  }
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return decoded.text;
  errors.push(
    new ManifestError(
      file,
      decoded.line,
      decoded.col,
      "invalid UTF-8: this byte does not start a valid character",
      "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
    ),
  );
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
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
