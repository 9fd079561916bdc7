import type { ProcessIdentity } from "../lib/process.ts";

/** A service the sandbox reaches through the door: a Unix socket exposed inside on loopback. */
export interface DoorService {
  /** e.g. `egress`. */
  name: string;
  /** Port on 127.0.0.1 inside the sandbox. */
  port: number;
  /** File name of the socket inside the run directory. */
  socket: string;
}

/** Everything a backend needs to start one bottle's long-lived sandbox. */
export interface SandboxSpec {
  bottle: string;
  /** Host directory mapped read-write at `/workspace`. */
  workspaceDir: string;
  /** Host directory mapped read-write at `/home/agent`. */
  homeDir: string;
  /** Host directory holding the door's sockets, mapped at `/run/bottle`. */
  runDir: string;
  /** Host directory for the backend's own files (logs, generated /etc files). */
  backendDir: string;
  /**
   * Host directory with the bottle's trust store (`bottle-ca.crt`, `ca-bundle.crt`: the
   * system roots plus the bottle's CA), mapped read-only at `/etc/bot-bottle`; the bundle
   * also replaces the system bundle inside, so tools that ignore the variables trust it.
   */
  trustDir?: string;
  services: DoorService[];
  /** Host directories mapped read-only inside (e.g. an agent CLI from the shared cache). */
  roBinds?: { host: string; inside: string }[];
  /** Directories put in front of PATH inside (e.g. an agent CLI's `bin`). */
  extraPath?: string[];
  /** The complete environment inside the sandbox (nothing is inherited from the host). */
  env: Record<string, string>;
  /** Whose it is, for backends that label what they make (docker); absent for bwrap. */
  owner?: { project: string; stateDb: string };
  /** The image the sandbox runs (docker). */
  image?: string;
  /** What the sandbox may use (enforced by docker and vm; bwrap has no cgroups). */
  limits?: { memory: string; cpus: number; pids: number };
}

/** What a backend records about a running sandbox (stored in state as JSON). */
export interface SandboxHandle {
  backend: string;
  /** The process whose life is the sandbox's life (bwrap: the outer bwrap). */
  init: ProcessIdentity;
  /** A process inside the sandbox's namespaces, used to enter them. */
  inner: ProcessIdentity;
  /** The door's keeper, outside the agent's reach (absent in handles of older versions). */
  door?: ProcessIdentity;
  /** The door ports that must listen inside. */
  ports?: number[];
  /** docker: the agent's container and the door's (which shares its network namespace). */
  containers?: { agent: string; door: string };
}

export interface ExecOptions {
  /** Allocate a fresh pseudo-terminal for the command (the host terminal is never shared). */
  tty: boolean;
  /** Working directory inside; default `/workspace`. */
  cwd?: string;
  /** Extra environment on top of the sandbox's env. */
  env?: Record<string, string>;
  /**
   * Host files (created 0600) that receive the command's stdout and stderr instead of the
   * CLI's; stdin is then empty. Needs `tty: false`. For reading a result out of a bottle.
   */
  capture?: CaptureFiles;
}

export interface CaptureFiles {
  stdout: string;
  stderr: string;
}

/** `problems`: what is wrong with a running sandbox that `repair` puts right (a dead door). */
export type SandboxStatus =
  | { state: "running"; problems: string[] }
  | { state: "gone"; reason: string };

export interface Backend {
  readonly name: string;
  /** Throws PreflightError (with the fix) when this machine cannot run the backend. */
  preflight(): Promise<void>;
  /** Starts the sandbox and returns once its door forwarders listen. */
  start(spec: SandboxSpec): Promise<SandboxHandle>;
  /**
   * Whether it runs, and what is wrong with it. `door: false` skips the door's health (a scan
   * of the process table): for callers that only need to know it runs, such as `exec`.
   */
  status(handle: SandboxHandle, options?: { door: boolean }): SandboxStatus;
  /**
   * Finds this bottle's sandbox when no handle was recorded (a start interrupted by a
   * crash), so the engine can stop it instead of leaving an orphan.
   */
  find(spec: SandboxSpec): SandboxHandle | null;
  /** Puts right the `problems` of a running sandbox without restarting it; the new handle. */
  repair(handle: SandboxHandle, spec: SandboxSpec): Promise<SandboxHandle>;
  /** Idempotent: stopping a gone sandbox succeeds. Leaves no process or mount behind. */
  stop(handle: SandboxHandle): Promise<void>;
  /** Runs argv inside with stdio passed through; resolves to its exit status. */
  exec(
    handle: SandboxHandle,
    spec: SandboxSpec,
    argv: string[],
    options: ExecOptions,
  ): Promise<number>;
}

export class PreflightError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = "PreflightError";
  }
}
