import type { SandboxSpec } from "../backend.ts";
import { sandboxEnv } from "./env.ts";
import type { GeneratedEtc } from "./etc.ts";
import type { HostEntry, HostLayout } from "./host.ts";
import { checkServices, initArgv } from "./init.ts";
import type { StagedSource } from "./stage.ts";
import { SANDBOX, sandboxHostname } from "./layout.ts";

/** The descriptor on which bwrap reports the sandbox's pid (`--info-fd`). */
export const INFO_FD = 3;

export interface BwrapArgsInput {
  spec: SandboxSpec;
  layout: HostLayout;
  /** Host directory holding the generated `/etc` files. */
  etcDir: string;
  /** Absolute path of perl (the same inside, since `/usr` is the host's): the init. */
  perl: string;
  /** The descriptor holding the seccomp filter for `--seccomp`, when there is one. */
  seccompFd?: number;
}

/** /proc entries that change the host kernel, read-only inside whoever the owner is. */
const PROC_READ_ONLY = ["/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"];

const GENERATED: readonly (keyof GeneratedEtc)[] = [
  "passwd",
  "group",
  "hosts",
  "hostname",
  "nsswitch.conf",
];

/**
 * bwrap's invocation for a bottle's long-lived sandbox. The options (namespaces, mounts) are
 * on the command line, so the host's process list shows which bottle a bwrap belongs to; the
 * environment goes through `--args FD`, so no value of it ever appears in argv.
 */
export interface BwrapInvocation {
  options: string[];
  /** `--clearenv` and one `--setenv NAME VALUE` per variable. */
  environment: string[];
  command: string[];
  /** Bind sources that only the operator can reach (staged for a root operator). */
  privateSources: StagedSource[];
}

export function buildBwrapArgs(input: BwrapArgsInput): BwrapInvocation {
  const { spec, layout, etcDir, perl } = input;
  checkServices(spec.services);
  const args: string[] = [
    // Every namespace, so the network is loopback only; no nested user namespaces.
    "--unshare-all",
    "--unshare-user",
    "--disable-userns",
    "--uid",
    String(SANDBOX.uid),
    "--gid",
    String(SANDBOX.gid),
    "--hostname",
    sandboxHostname(spec.bottle),
    "--cap-drop",
    "ALL",
    "--new-session",
    "--as-pid-1",
    "--ro-bind",
    "/usr",
    "/usr",
  ];
  for (const entry of layout.topLevel) args.push(...mirror(entry));
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  for (const path of PROC_READ_ONLY) args.push("--ro-bind-try", path, path);
  const mountPoints = [...layout.etc.map((entry) => entry.path), SANDBOX.home, SANDBOX.run];
  if (spec.trustDir) mountPoints.push(SANDBOX.trust);
  const roBinds = spec.roBinds ?? [];
  mountPoints.push(...roBinds.map((bind) => bind.inside));
  for (const dir of ancestors(mountPoints)) args.push("--perms", "0755", "--dir", dir);
  for (const entry of layout.etc) args.push(...mirror(entry));
  for (const name of GENERATED) args.push("--ro-bind", `${etcDir}/${name}`, `/etc/${name}`);
  args.push(
    "--bind",
    spec.workspaceDir,
    SANDBOX.workspace,
    "--bind",
    spec.homeDir,
    SANDBOX.home,
    "--ro-bind",
    spec.runDir,
    SANDBOX.run,
    ...trustMounts(spec, layout),
    ...roBinds.flatMap((bind) => ["--ro-bind", bind.host, bind.inside]),
    "--remount-ro",
    "/",
    "--chdir",
    SANDBOX.workspace,
    "--info-fd",
    String(INFO_FD),
  );
  if (input.seccompFd !== undefined) args.push("--seccomp", String(input.seccompFd));
  const env = sandboxEnv(spec);
  const environment = ["--clearenv"];
  for (const name of Object.keys(env).sort()) environment.push("--setenv", name, env[name]);
  return {
    options: args,
    environment,
    command: initArgv(perl),
    privateSources: privateSources(spec, etcDir),
  };
}

function privateSources(spec: SandboxSpec, etcDir: string): StagedSource[] {
  const sources: StagedSource[] = [
    { host: spec.workspaceDir, kind: "dir" },
    { host: spec.homeDir, kind: "dir" },
    { host: spec.runDir, kind: "dir" },
    ...GENERATED.map((name): StagedSource => ({ host: `${etcDir}/${name}`, kind: "file" })),
    ...(spec.roBinds ?? []).map((bind): StagedSource => ({ host: bind.host, kind: "dir" })),
  ];
  if (spec.trustDir) {
    sources.push(
      { host: spec.trustDir, kind: "dir" },
      { host: `${spec.trustDir}/ca-bundle.crt`, kind: "file" },
    );
  }
  return sources;
}

/** The bottle's trust store, and its bundle over the system one where the host has one. */
function trustMounts(spec: SandboxSpec, layout: HostLayout): string[] {
  if (!spec.trustDir) return [];
  const mounts = ["--ro-bind", spec.trustDir, SANDBOX.trust];
  const certsMirrored = layout.etc.some((entry) =>
    entry.kind !== "symlink" && SANDBOX.systemBundle.startsWith(`${entry.path}/`)
  );
  if (certsMirrored) {
    mounts.push("--ro-bind", `${spec.trustDir}/ca-bundle.crt`, SANDBOX.systemBundle);
  }
  return mounts;
}

function mirror(entry: HostEntry): string[] {
  return entry.kind === "symlink"
    ? ["--symlink", entry.target, entry.path]
    : ["--ro-bind", entry.path, entry.path];
}

/** Directories above `paths` (not `/`), parents first, so bwrap creates them 0755, not 0700. */
export function ancestors(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add(`/${parts.slice(0, i).join("/")}`);
  }
  // Code-unit order within a depth: localeCompare would load ICU (~10 ms) for an order that
  // does not matter.
  return [...dirs].sort((a, b) =>
    a.split("/").length - b.split("/").length || (a < b ? -1 : a > b ? 1 : 0)
  );
}
