/** Backend-agnostic helpers for tests that run real sandboxes. */
import type { Backend, DoorService, ExecOptions, SandboxHandle, SandboxSpec } from "./backend.ts";

export interface TestBottle {
  root: string;
  spec: SandboxSpec;
}

export function makeBottle(
  name: string,
  services: DoorService[] = [],
  env: Record<string, string> = {},
): TestBottle {
  const root = Deno.makeTempDirSync({ prefix: `bottle-${name}-` });
  for (const dir of ["workspace", "home", "run", "backend"]) Deno.mkdirSync(`${root}/${dir}`);
  return {
    root,
    spec: {
      bottle: name,
      workspaceDir: `${root}/workspace`,
      homeDir: `${root}/home`,
      runDir: `${root}/run`,
      backendDir: `${root}/backend`,
      services,
      env,
    },
  };
}

export function removeBottle(bottle: TestBottle): void {
  Deno.removeSync(bottle.root, { recursive: true });
}

let outputs = 0;

/** Runs a shell script inside, its output collected through the workspace. */
export async function inside(
  backend: Backend,
  handle: SandboxHandle,
  spec: SandboxSpec,
  script: string,
  options: Partial<ExecOptions> = {},
): Promise<{ code: number; output: string }> {
  const name = `.out-${Deno.pid}-${outputs++}`;
  const code = await backend.exec(
    handle,
    spec,
    ["/bin/sh", "-c", `{\n${script}\n} >/workspace/${name} 2>&1 </dev/null`],
    { tty: false, ...options },
  );
  const path = `${spec.workspaceDir}/${name}`;
  const output = Deno.readTextFileSync(path);
  Deno.removeSync(path);
  return { code, output };
}

export interface DoorStub {
  /** Connections accepted so far. */
  requests: number;
  close(): void;
}

/** A Unix socket server standing in for the egress sidecar: answers each line with "pong". */
export function serveDoor(path: string): DoorStub {
  const listener = Deno.listen({ transport: "unix", path });
  Deno.chmodSync(path, 0o666); // as the egress proxy does: the door's forwarders run as the owner
  const state = { requests: 0, close: (): void => listener.close() };
  (async (): Promise<void> => {
    for await (const connection of listener) {
      state.requests++;
      (async (): Promise<void> => {
        const buffer = new Uint8Array(64);
        await connection.read(buffer);
        await connection.write(new TextEncoder().encode("pong\n"));
        connection.close();
      })().catch(() => {});
    }
  })().catch(() => {});
  return state;
}
