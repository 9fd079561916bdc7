import { dirname, join } from "node:path";
import { allProcesses, readCmdline, readStat } from "../../lib/process.ts";
import { shellJoin } from "../../backends/bwrap/shell.ts";
import { runOutput } from "../../lib/command.ts";
import { sandboxOwner } from "../../backends/bwrap/owner.ts";

/** Set to `docker` to run the integration tests' bottles on docker instead of bwrap. */
export const TEST_BACKEND_ENV = "BOT_BOTTLE_TEST_BACKEND";

/** The backend the integration tests' bottles run on. */
export function testBackend(): string {
  return Deno.env.get(TEST_BACKEND_ENV) || "bwrap";
}

/** The agent's uid inside: 1000 on bwrap (a user namespace maps it), the owner's on docker. */
export function agentUid(): number {
  return testBackend() === "bwrap" ? 1000 : sandboxOwner().uid;
}

/** Frontmatter on the backend under test (a bwrap bottle, or one naming no backend). */
export function onTestBackend(frontmatter: string): string {
  const backend = testBackend();
  if (backend === "bwrap") return frontmatter;
  if (/^backend:\s*bwrap\s*$/m.test(frontmatter)) {
    return frontmatter.replace(/^backend:\s*bwrap\s*$/m, `backend: ${backend}`);
  }
  return /^backend:/m.test(frontmatter) ? frontmatter : `backend: ${backend}\n${frontmatter}`;
}

const ROOT = new URL("../../", import.meta.url).pathname;

export interface CliResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** A scratch world for one test: its own state dir and manifest dir. */
export class World {
  constructor(
    readonly stateDir: string,
    readonly dir: string,
    readonly env: Record<string, string>,
  ) {}

  static async create(env: Record<string, string> = {}): Promise<World> {
    const base = await Deno.makeTempDir({ prefix: "bb-it-" });
    const stateDir = join(base, "state");
    const dir = join(base, "project");
    await Deno.mkdir(join(dir, "bottles"), { recursive: true });
    await Deno.mkdir(join(dir, "agents"), { recursive: true });
    return new World(stateDir, dir, env);
  }

  /**
   * `bottles/NAME.md`. A bottle that names no backend, or bwrap, runs on the backend under
   * test (TEST_BACKEND_ENV): the same tests then run on docker too.
   */
  writeBottle(name: string, frontmatter: string, body = ""): Promise<string> {
    return this.writeDocument(join("bottles", `${name}.md`), onTestBackend(frontmatter), body);
  }

  /** `agents/NAME.md`: the body is the agent's prompt. */
  writeAgent(name: string, frontmatter: string, body: string): Promise<string> {
    return this.writeDocument(join("agents", `${name}.md`), frontmatter, body);
  }

  /** `skills/NAME/SKILL.md`, which an agent lists as `../skills/NAME`. */
  writeSkill(name: string, description: string, body: string): Promise<string> {
    const frontmatter = `name: ${name}\ndescription: ${description}`;
    return this.writeDocument(join("skills", name, "SKILL.md"), frontmatter, body);
  }

  private async writeDocument(path: string, frontmatter: string, body: string): Promise<string> {
    const file = join(this.dir, path);
    await Deno.mkdir(dirname(file), { recursive: true });
    await Deno.writeTextFile(file, `---\n${frontmatter.trim()}\n---\n${body}\n`);
    return file;
  }

  /** The CLI's entry (`main.ts` of this checkout). */
  get mainPath(): string {
    return join(ROOT, "main.ts");
  }

  /** The CLI with `args` against this world as one shell command line (for a terminal). */
  shellCommand(args: string[]): string {
    const env = { ...this.env, BOT_BOTTLE_STATE_DIR: this.stateDir, NO_COLOR: "1" };
    return shellJoin([
      "env",
      ...Object.entries(env).map(([name, value]) => `${name}=${value}`),
      Deno.execPath(),
      "run",
      "-A",
      "--no-prompt",
      join(ROOT, "main.ts"),
      ...args,
    ]);
  }

  /** Runs the CLI (`deno run -A main.ts …`) against this world (in `cwd`, default its dir). */
  async cli(
    args: string[],
    extraEnv: Record<string, string> = {},
    cwd: string = this.dir,
  ): Promise<CliResult> {
    return await runOutput(
      Deno.execPath(),
      ["run", "-A", "--no-prompt", join(ROOT, "main.ts"), ...args],
      {
        cwd,
        env: { BOT_BOTTLE_STATE_DIR: this.stateDir, NO_COLOR: "1", ...this.env, ...extraEnv },
      },
    );
  }

  /** Live pids whose command line or open cwd mentions this world's state dir. */
  processes(): number[] {
    return processesMentioning(this.stateDir);
  }
}

export function processesMentioning(text: string): number[] {
  return allProcesses()
    .filter((process) =>
      process.state !== "Z" && readCmdline(process.pid)?.join(" ").includes(text)
    )
    .map((process) => process.pid);
}

/** A plain HTTP server on 127.0.0.1 standing in for an upstream service. */
export function startUpstream(body: string): { port: number; close: () => Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => new Response(`${body} ${new URL(request.url).pathname}`),
  );
  return { port: server.addr.port, close: () => server.shutdown() };
}

export function expectCode(result: CliResult, code: number, what: string): void {
  if (result.code !== code) {
    throw new Error(
      `${what}: expected exit ${code}, got ${result.code} (signal ${result.signal})\n` +
        `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
}

export function parentOf(pid: number): number {
  return readStat(pid)?.ppid ?? 0;
}

/** bwrap forks the sandbox's pid 1 with the same command line: count only the outer one. */
export function isBwrap(pid: number): boolean {
  return /(^|\/)bwrap$/.test(readCmdline(pid)?.[0] ?? "");
}

/**
 * A bottle's egress routing a provider's API host to a local stand-in (test-only `upstream`),
 * injecting the operator's key from `keyEnv` with `scheme`.
 */
export function standInEgress(host: string, port: number, scheme: string, keyEnv: string): string {
  return `
egress:
  allow: [${host}]
  routes:
    - host: ${host}
      upstream: http://127.0.0.1:${port}
      auth: { scheme: ${scheme}, secret: { env: ${keyEnv} } }
`;
}
