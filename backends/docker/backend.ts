/**
 * Bottles as Docker containers (see run_args.ts for what each container is). The handle
 * records each container's name and its pid 1 as the host sees it, so `status` (and so
 * `bottle exec`'s check) reads /proc like bwrap's instead of asking the daemon, and a
 * container stopped or removed behind our back reads as gone.
 */
import type {
  Backend,
  ExecOptions,
  SandboxHandle,
  SandboxSpec,
  SandboxStatus,
} from "../backend.ts";
import { identify, isAlive, type ProcessIdentity } from "../../lib/process.ts";
import { poll } from "../../lib/wait.ts";
import { doorProblems } from "../bwrap/door_status.ts";
import { SANDBOX, sandboxFiles, sandboxHostname } from "../bwrap/layout.ts";
import { ensureSandboxOwner, type SandboxOwner, sandboxOwner } from "../bwrap/owner.ts";
import { docker, dockerOutput } from "./cli.ts";
import { ownerLabels } from "./labels.ts";
import { containerNames } from "./names.ts";
import { dockerPreflight } from "./preflight.ts";
import { agentRunArgs, doorRunArgs, type ETC_FILES } from "./run_args.ts";
import { execInContainer } from "./exec.ts";
import { sandboxSeccomp } from "../bwrap/seccomp.ts";

export const DOCKER = "docker";

/** How long the door's forwarders may take to listen after the containers start. */
const DOOR_READY_MS = 15_000;

export class DockerBackend implements Backend {
  readonly name = DOCKER;

  async preflight(): Promise<void> {
    await dockerPreflight();
    await ensureSandboxOwner();
  }

  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    const owner = ownerOf(spec);
    await this.preflight();
    const user = sandboxOwner();
    checkDirectories(spec, user);
    const names = containerNames(spec.bottle, owner);
    await removeContainers([names.door, names.agent]);
    const filter = await sandboxSeccomp();
    Deno.mkdirSync(spec.backendDir, { recursive: true, mode: 0o700 });
    Deno.writeFileSync(sandboxFiles(spec.backendDir).seccomp, filter, { mode: 0o600 });
    const etcDir = `${spec.backendDir}/etc`;
    writeEtc(etcDir, user.uid, user.gid, sandboxHostname(spec.bottle));
    try {
      // A run that fails can leave its container created: the catch removes it too.
      await docker(agentRunArgs({
        spec,
        name: names.agent,
        hostname: sandboxHostname(spec.bottle),
        user,
        etcDir,
        labels: ownerLabels({ ...owner, bottle: spec.bottle }, "agent"),
      }));
      const init = await containerInit(names.agent);
      const door = await startDoor(spec, names, user);
      const handle: SandboxHandle = {
        backend: DOCKER,
        init,
        inner: init,
        door,
        ports: portsOf(spec),
        containers: names,
      };
      await waitForDoor(handle);
      return handle;
    } catch (error) {
      await removeContainers([names.door, names.agent]);
      throw error;
    }
  }

  status(handle: SandboxHandle, options: { door: boolean } = { door: true }): SandboxStatus {
    checkHandle(handle);
    if (!isAlive(handle.init)) {
      return { state: "gone", reason: `container ${handle.containers?.agent} is not running` };
    }
    return { state: "running", problems: options.door ? doorProblems(handle) : [] };
  }

  find(spec: SandboxSpec): SandboxHandle | null {
    // Names are fixed per bottle and owner: start() removes whatever holds them first, and
    // stop() removes by name, so a start interrupted by a crash leaves nothing to adopt. The
    // handle names the containers only: its pid 0 reads as gone, and stop removes them.
    if (!spec.owner) return null;
    const names = containerNames(spec.bottle, spec.owner);
    return {
      backend: DOCKER,
      init: { pid: 0, startTime: 0 },
      inner: { pid: 0, startTime: 0 },
      ports: portsOf(spec),
      containers: names,
    };
  }

  async repair(handle: SandboxHandle, spec: SandboxSpec): Promise<SandboxHandle> {
    checkHandle(handle);
    const names = handle.containers!;
    await removeContainers([names.door]);
    const door = await startDoor(spec, names, sandboxOwner());
    const repaired = { ...handle, door, ports: portsOf(spec) };
    await waitForDoor(repaired);
    return repaired;
  }

  async stop(handle: SandboxHandle): Promise<void> {
    checkHandle(handle);
    const names = handle.containers!;
    await removeContainers([names.door, names.agent]);
  }

  async exec(
    handle: SandboxHandle,
    spec: SandboxSpec,
    argv: string[],
    options: ExecOptions,
  ): Promise<number> {
    const gone = this.status(handle, { door: false });
    if (gone.state === "gone") {
      throw new Error(`bottle "${spec.bottle}": its sandbox is not running (${gone.reason})`);
    }
    return await execInContainer(handle.containers!.agent, spec, argv, options);
  }
}

export const dockerBackend: Backend = new DockerBackend();

function ownerOf(spec: SandboxSpec): { project: string; stateDb: string } {
  if (!spec.owner) throw new Error(`bottle ${spec.bottle}: a docker sandbox needs its owner`);
  return spec.owner;
}

function portsOf(spec: SandboxSpec): number[] {
  return spec.services.map((service) => service.port);
}

async function startDoor(
  spec: SandboxSpec,
  names: { agent: string; door: string },
  user: { uid: number; gid: number },
): Promise<ProcessIdentity> {
  const owner = ownerOf(spec);
  await docker(doorRunArgs({
    spec,
    name: names.door,
    agent: names.agent,
    user,
    labels: ownerLabels({ ...owner, bottle: spec.bottle }, "door"),
  }));
  return await containerInit(names.door);
}

/** The container's pid 1 as the host sees it. */
async function containerInit(name: string): Promise<ProcessIdentity> {
  const pid = Number((await docker(["inspect", "--format", "{{.State.Pid}}", name])).trim());
  const identity = Number.isInteger(pid) && pid > 0 ? identify(pid) : null;
  if (!identity) {
    const logs = await dockerOutput(["logs", "--tail", "20", name]);
    throw new Error(`container ${name} is not running${logs.stderr ? `: ${logs.stderr}` : ""}`);
  }
  return identity;
}

async function waitForDoor(handle: SandboxHandle): Promise<void> {
  const ready = await poll(() => {
    if (!isAlive(handle.init)) throw new Error(`container ${handle.containers?.agent} exited`);
    if (handle.door && !isAlive(handle.door)) {
      throw new Error(`the door's container ${handle.containers?.door} exited`);
    }
    return doorProblems(handle).length === 0 ? true : null;
  }, { timeoutMs: DOOR_READY_MS, intervalMs: 50 });
  if (!ready) {
    throw new Error(
      `the door did not open within ${DOOR_READY_MS / 1000} s: ${doorProblems(handle).join("; ")}`,
    );
  }
}

/** Removes containers by name (force: running ones are killed); missing ones are fine. */
/**
 * Removes containers by name or id, one at a time in the order given (Podman refuses to remove
 * the agent's container in one call with the door that depends on it); running ones are
 * killed, missing ones are fine.
 */
export async function removeContainers(names: readonly string[]): Promise<void> {
  for (const name of names) {
    const result = await dockerOutput(["rm", "--force", "--volumes", name]);
    if (result.code === 0) continue;
    const left = await dockerOutput(["ps", "--all", "--quiet", "--filter", `name=^/?${name}$`]);
    if (left.code === 0 && left.stdout.trim() === "") continue;
    throw new Error(`docker rm ${name}: ${result.stderr.trim() || `exit ${result.code}`}`);
  }
}

function writeEtc(etcDir: string, uid: number, gid: number, hostname: string): void {
  Deno.mkdirSync(etcDir, { recursive: true, mode: 0o700 });
  Deno.chmodSync(etcDir, 0o755);
  const { user, home } = SANDBOX;
  const files: Record<(typeof ETC_FILES)[number], string> = {
    passwd: [
      "root:x:0:0:root:/root:/usr/sbin/nologin",
      `${user}:x:${uid}:${gid}:${user}:${home}:/bin/bash`,
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
      "",
    ].join("\n"),
    group: ["root:x:0:", `${user}:x:${gid}:`, "nogroup:x:65534:", ""].join("\n"),
    "nsswitch.conf": "passwd: files\ngroup: files\nshadow: files\nhosts: files\n",
    "resolv.conf": "",
    hosts: `127.0.0.1\tlocalhost ${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
  };
  for (const [name, content] of Object.entries(files)) {
    Deno.writeTextFileSync(`${etcDir}/${name}`, content, { mode: 0o644 });
  }
}

/** The workspace and home are handed to the owner, as for bwrap (see ../bwrap/backend.ts). */
function checkDirectories(spec: SandboxSpec, owner: SandboxOwner): void {
  for (const path of [spec.workspaceDir, spec.homeDir, spec.runDir]) {
    const info = Deno.lstatSync(path);
    if (!info.isDirectory) throw new Error(`${path} is not a directory`);
  }
  for (const path of [spec.workspaceDir, spec.homeDir]) {
    if (Deno.lstatSync(path).uid !== owner.uid) Deno.chownSync(path, owner.uid, owner.gid);
  }
  // The door's container (as the owner) must reach the sockets the sidecars made there.
  if (owner.switched) Deno.chmodSync(spec.runDir, 0o711);
}

function checkHandle(handle: SandboxHandle): void {
  if (handle.backend !== DOCKER || !handle.containers) {
    throw new Error(`not a docker sandbox handle: ${JSON.stringify(handle)}`);
  }
}
