import type {
  Backend,
  ExecOptions,
  SandboxHandle,
  SandboxSpec,
  SandboxStatus,
} from "../backend.ts";
import { isAlive, type ProcessIdentity } from "../../lib/process.ts";
import { findTools, preflight } from "../preflight.ts";
import { execEnv } from "./env.ts";
import { buildExecCommand, EXEC_TOOLS, runHostCommand } from "./exec.ts";
import { findDoor, findSandbox } from "./find.ts";
import { doorProblems } from "./door_status.ts";
import { SANDBOX, sandboxHostname } from "./layout.ts";
import { type SandboxOwner, sandboxOwner } from "./owner.ts";
import { sandboxSeccomp } from "./seccomp.ts";

/*
 * `bottle exec` loads this module (status and exec) on its fast path: what only starting,
 * repairing and stopping a sandbox need (bwrap's arguments, the launcher, the door, the
 * host probe) is imported when one of those runs.
 */

export const BWRAP = "bwrap";

/** Bottles as Linux namespaces: bubblewrap, no daemon, loopback-only network. */
export class BwrapBackend implements Backend {
  readonly name = BWRAP;

  async preflight(): Promise<void> {
    await preflight();
  }

  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    const [{ buildBwrapArgs }, { generatedEtc }, { probeHost }, { launch, SECCOMP_FD }] =
      await Promise.all([
        import("./args.ts"),
        import("./etc.ts"),
        import("./host.ts"),
        import("./launch.ts"),
      ]);
    const tools = await preflight();
    const owner = sandboxOwner();
    checkDirectories(spec, owner);
    const layout = probeHost();
    const etcDir = `${spec.backendDir}/etc`;
    Deno.mkdirSync(etcDir, { recursive: true, mode: 0o700 });
    const files = generatedEtc(sandboxHostname(spec.bottle), layout.shell);
    for (const [name, content] of Object.entries(files)) {
      Deno.writeTextFileSync(`${etcDir}/${name}`, content, { mode: 0o644 });
    }
    const seccomp = await sandboxSeccomp();
    const invocation = buildBwrapArgs({
      spec,
      layout,
      etcDir,
      perl: tools.perl,
      ...(seccomp ? { seccompFd: SECCOMP_FD } : {}),
    });
    const { init, inner, door } = await launch({
      tools,
      owner,
      invocation,
      seccomp,
      backendDir: spec.backendDir,
      runDir: spec.runDir,
      services: spec.services,
    });
    return { backend: BWRAP, init, inner, door, ports: portsOf(spec) };
  }

  status(handle: SandboxHandle, options: { door: boolean } = { door: true }): SandboxStatus {
    const gone = goneReason(handle);
    if (gone) return { state: "gone", reason: gone };
    return { state: "running", problems: options.door ? doorProblems(handle) : [] };
  }

  find(spec: SandboxSpec): SandboxHandle | null {
    const found = findSandbox(spec.runDir);
    if (!found) return null;
    const door = findDoor(found.inner);
    return { backend: BWRAP, ...found, ...(door ? { door } : {}), ports: portsOf(spec) };
  }

  async repair(handle: SandboxHandle, spec: SandboxSpec): Promise<SandboxHandle> {
    checkHandle(handle);
    const { kill, startDoor, waitForDoor } = await import("./launch.ts");
    const tools = await preflight();
    const stale = handle.door ?? findDoor(handle.inner);
    if (stale) await kill([], [stale]);
    const door = startDoor({ tools, owner: sandboxOwner(), services: spec.services }, handle.inner);
    try {
      await waitForDoor(door, handle.inner, portsOf(spec), 3000);
    } catch (error) {
      await kill([], [door]);
      throw error;
    }
    return { ...handle, door, ports: portsOf(spec) };
  }

  async stop(handle: SandboxHandle): Promise<void> {
    checkHandle(handle);
    const { kill } = await import("./launch.ts");
    const door = handle.door ?? findDoor(handle.inner);
    if (!(await kill([handle.inner, handle.init], [door]))) {
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
    // Only whether it runs: the door's health (a scan of the process table) is drift's business.
    const gone = goneReason(handle);
    if (gone) throw new Error(`bottle "${spec.bottle}": its sandbox is not running (${gone})`);
    const tools = findTools(options.tty ? EXEC_TOOLS : ["perl"]);
    const command = buildExecCommand({
      tools,
      owner: sandboxOwner(),
      seccomp: await sandboxSeccomp(spec.backendDir),
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

function goneReason(handle: SandboxHandle): string | null {
  checkHandle(handle);
  if (!isAlive(handle.init)) return `bwrap (pid ${handle.init.pid}) has exited`;
  if (!isAlive(handle.inner)) return `the sandbox's pid 1 (pid ${handle.inner.pid}) has exited`;
  return null;
}

function portsOf(spec: SandboxSpec): number[] {
  return spec.services.map((service) => service.port);
}

/**
 * The workspace and home must be directories the engine made (their own paths are trusted);
 * their top directories are handed to the sandbox owner, who is the agent on the host.
 */
function checkDirectories(spec: SandboxSpec, owner: SandboxOwner): void {
  const dirs: [string, string][] = [
    ["workspaceDir", spec.workspaceDir],
    ["homeDir", spec.homeDir],
    ["runDir", spec.runDir],
  ];
  for (const [key, path] of dirs) {
    if (!path.startsWith("/")) throw new Error(`${key} must be an absolute path (got "${path}")`);
    let info: Deno.FileInfo | null = null;
    try {
      info = Deno.lstatSync(path);
    } catch {
      // reported below
    }
    if (!info?.isDirectory) throw new Error(`${key} ${path} is not an existing directory`);
    if (key !== "runDir" && owner.switched && info.uid !== owner.uid) {
      Deno.chownSync(path, owner.uid, owner.gid);
    }
  }
  if (owner.switched) Deno.chmodSync(spec.runDir, 0o711);
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
  if (handle.door !== undefined && !valid(handle.door)) {
    throw new Error(`not a bwrap sandbox handle: ${JSON.stringify(handle)}`);
  }
}
