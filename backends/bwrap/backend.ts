import type {
  Backend,
  ExecOptions,
  SandboxHandle,
  SandboxSpec,
  SandboxStatus,
} from "../backend.ts";
import { isAlive, type ProcessIdentity } from "../../lib/process.ts";
import { findTools, preflight } from "../preflight.ts";
import { buildBwrapArgs } from "./args.ts";
import { execEnv } from "./env.ts";
import { generatedEtc } from "./etc.ts";
import { buildExecCommand, runHostCommand } from "./exec.ts";
import { probeHost } from "./host.ts";
import { findSandbox } from "./find.ts";
import { kill, launch } from "./launch.ts";
import { SANDBOX, sandboxHostname } from "./layout.ts";

export const BWRAP = "bwrap";

/** Bottles as Linux namespaces: bubblewrap, no daemon, loopback-only network. */
export class BwrapBackend implements Backend {
  readonly name = BWRAP;

  async preflight(): Promise<void> {
    await preflight();
  }

  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    const tools = await preflight();
    checkDirectories(spec);
    const layout = probeHost();
    const etcDir = `${spec.backendDir}/etc`;
    Deno.mkdirSync(etcDir, { recursive: true, mode: 0o700 });
    const files = generatedEtc(sandboxHostname(spec.bottle), layout.shell);
    for (const [name, content] of Object.entries(files)) {
      Deno.writeTextFileSync(`${etcDir}/${name}`, content, { mode: 0o644 });
    }
    const invocation = buildBwrapArgs({ spec, layout, etcDir, socat: tools.socat });
    const { init, inner } = await launch({
      tools,
      invocation,
      backendDir: spec.backendDir,
      ports: spec.services.map((service) => service.port),
    });
    return { backend: BWRAP, init, inner };
  }

  status(handle: SandboxHandle): SandboxStatus {
    checkHandle(handle);
    if (!isAlive(handle.init)) {
      return { state: "gone", reason: `bwrap (pid ${handle.init.pid}) has exited` };
    }
    if (!isAlive(handle.inner)) {
      return { state: "gone", reason: `the sandbox's pid 1 (pid ${handle.inner.pid}) has exited` };
    }
    return { state: "running" };
  }

  find(spec: SandboxSpec): SandboxHandle | null {
    const found = findSandbox(spec.runDir);
    return found ? { backend: BWRAP, ...found } : null;
  }

  async stop(handle: SandboxHandle): Promise<void> {
    checkHandle(handle);
    if (!(await kill([handle.inner, handle.init]))) {
      throw new Error(
        `bwrap sandbox (pid ${handle.init.pid}, inner ${handle.inner.pid}) survived SIGKILL`,
      );
    }
  }

  async exec(
    handle: SandboxHandle,
    spec: SandboxSpec,
    argv: string[],
    options: ExecOptions,
  ): Promise<number> {
    const status = this.status(handle);
    if (status.state === "gone") {
      throw new Error(`bottle "${spec.bottle}": its sandbox is not running (${status.reason})`);
    }
    const tools = findTools();
    const command = buildExecCommand({
      tools,
      innerPid: handle.inner.pid,
      env: execEnv(spec, options),
      cwd: options.cwd ?? SANDBOX.workspace,
      argv,
      tty: options.tty,
    });
    if (options.capture && options.tty) throw new Error("exec cannot capture output with a tty");
    return await runHostCommand(command, options.tty, options.capture);
  }
}

export const bwrapBackend: Backend = new BwrapBackend();

function checkDirectories(spec: SandboxSpec): void {
  const dirs: [string, string][] = [
    ["workspaceDir", spec.workspaceDir],
    ["homeDir", spec.homeDir],
    ["runDir", spec.runDir],
  ];
  for (const [key, path] of dirs) {
    if (!path.startsWith("/")) throw new Error(`${key} must be an absolute path (got "${path}")`);
    let isDirectory = false;
    try {
      isDirectory = Deno.statSync(path).isDirectory;
    } catch {
      // reported below
    }
    if (!isDirectory) throw new Error(`${key} ${path} is not an existing directory`);
  }
  if (!spec.backendDir.startsWith("/")) {
    throw new Error(`backendDir must be an absolute path (got "${spec.backendDir}")`);
  }
}

function checkHandle(handle: SandboxHandle): void {
  const valid = (identity: ProcessIdentity | undefined): boolean =>
    identity !== undefined && Number.isInteger(identity.pid) && identity.pid > 0 &&
    Number.isInteger(identity.startTime);
  if (handle.backend !== BWRAP || !valid(handle.init) || !valid(handle.inner)) {
    throw new Error(`not a bwrap sandbox handle: ${JSON.stringify(handle)}`);
  }
}
