/**
 * The vocabulary of `bottle verify`: a probe observes one property of a running bottle and a
 * pure judge turns the observation into a verdict with its evidence.
 */
import type { Backend, SandboxHandle, SandboxSpec } from "../../backends/backend.ts";

export type Verdict = "PASS" | "FAIL" | "SKIP";

export const GROUPS = [
  "network",
  "door",
  "filesystem",
  "processes",
  "privileges",
  "secrets",
  "apply-symlinks",
] as const;
export type Group = typeof GROUPS[number];

/** A verdict and the concrete observation behind it (an error message, a value, a count). */
export interface Judgement {
  verdict: Verdict;
  evidence: string;
}

export interface ProbeResult extends Judgement {
  id: string;
  group: Group;
}

/** What a script run inside (as the agent) left: its status and captured output. */
export interface ScriptResult {
  code: number;
  /** Framed by `nonce` (see output.ts): read it only through `readOutput` or `unframe`. */
  stdout: string;
  stderr: string;
  /** Wall time of the whole exec, host side. */
  ms: number;
  /** This run's nonce: the script printed `BEGIN <nonce>` first and `END <nonce>` last. */
  nonce: string;
}

/** What is known before any probe runs; scripts and judges are functions of it. */
export interface Facts {
  /** `Deno.build.arch` (the sandbox shares the host's kernel). */
  arch: string;
  /** The egress door's port on 127.0.0.1 inside. */
  doorPort: number;
  /** A host no bottle allows: the proxy must refuse it. */
  deniedHost: string;
  /** Host paths that must not exist inside (secrets, homes, state, the bundle's files). */
  forbiddenPaths: string[];
}

/** A secret a bottle's proxy injects, as the bundle holds it (host side only). */
export interface BottleSecret {
  host: string;
  value: string;
  placeholder: string;
}

/** Where the engine's records of the bottle are, and what may be done to it. */
export interface VerifyTarget {
  bottle: string;
  /** A throwaway bottle made for this run, or one of the operator's. */
  kind: "temporary" | "named";
  backend: Backend;
  handle: SandboxHandle;
  spec: SandboxSpec;
  /** The secrets the bundle injects (read from its secrets file). */
  secrets: BottleSecret[];
  /** Host paths of the bundle's secrets file and CA key. */
  secretsFile: string | null;
  caKey: string | null;
  /** The state directory the bottle is recorded in. */
  stateDir: string;
  /** Destructive probes may run (always for a temporary bottle). */
  destructive: boolean;
}

/** Engine operations a probe needs on the target's bottle. */
export interface EngineView {
  /** Drift of the bottle's resources, one line each (empty: none). */
  drift(): Promise<string[]>;
  /** The engine's apply of this bottle (`--yes`); resolves to what it did, in words. */
  apply(): Promise<ApplyOutcome>;
  /** Host paths of files and directories the engine writes into the agent's home. */
  homeWrites(): HomeWrite[];
  /** The sandbox as state records it now (a re-created sandbox has a new handle). */
  sandbox(): { handle: SandboxHandle; spec: SandboxSpec } | null;
}

export interface ApplyOutcome {
  ok: boolean;
  /** e.g. `updated gitconfig.verify, agent_home.verify.verifier` or the failure. */
  summary: string;
}

/** A path the engine writes below the home: a file it replaces or a directory it fills. */
export interface HomeWrite {
  /** Relative to the home (e.g. `.gitconfig`, `.bot-bottle/agents/a/prompt.md`). */
  path: string;
  kind: "file" | "dir";
  /** Also written through `<path>.tmp` (atomic replace). */
  viaTmp: boolean;
}

/** The I/O a probe may use. */
export interface ProbeIO {
  facts: Facts;
  target: VerifyTarget;
  engine: EngineView;
  /**
   * Runs a `/bin/sh` script inside as the agent, framed by a fresh nonce (output.ts); output
   * is captured on the host.
   */
  inside(script: string, env?: Record<string, string>): Promise<ScriptResult>;
}

export interface Probe {
  id: string;
  group: Group;
  /** The property that must hold, in words. */
  property: string;
  /** Harms what runs inside: on a named bottle only with `--destructive`. */
  destructive?: boolean;
  /** Observes and judges. A throw is reported as FAIL with the error as evidence. */
  run(io: ProbeIO): Promise<Judgement>;
}
