/** For tests: state databases broken in the ways disks and operators break them. */
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identify } from "../lib/process.ts";
import { bottleDir } from "./state_dir.ts";
import { StateStore } from "./state.ts";

/** A state dir whose database records `count` resources of bottles b0..b2, checkpointed. */
export async function seededStateDir(count = 40): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bb-state-" });
  seed(dir, count);
  return dir;
}

export function seed(stateDir: string, count: number): void {
  const store = new StateStore(stateDir);
  for (let i = 0; i < count; i++) {
    store.upsert({
      id: `file.r${i}`,
      type: "file",
      bottle: `b${i % 3}`,
      project: "/p",
      inputs: { body: "x".repeat(600) },
      outputs: { path: `/f${i}` },
      dependsOn: [],
      replaceWith: [],
      status: "ready",
      error: null,
    });
  }
  store.close(); // the last connection checkpoints the WAL into state.db
}

export type Breakage = "header" | "half" | "zero" | "deleted";

export function breakDatabase(stateDir: string, how: Breakage): void {
  const path = join(stateDir, "state.db");
  if (how === "header") {
    const bytes = readFileSync(path);
    bytes.fill(0x47, 0, 100);
    writeFileSync(path, bytes);
  } else if (how === "half") {
    truncateSync(path, Math.floor(readFileSync(path).length / 2));
  } else if (how === "zero") {
    truncateSync(path, 0);
  } else {
    Deno.removeSync(path);
  }
}

/**
 * A bottle that looks running to the engine: its sandbox handle names a live process
 * (a `sleep`) of ours. `stop` ends it.
 */
export function liveBottle(stateDir: string, bottle: string): { stop(): Promise<void> } {
  const child = new Deno.Command("sleep", { args: ["120"] }).spawn();
  const identity = identify(child.pid);
  if (!identity) throw new Error("the sleep child is gone");
  Deno.mkdirSync(bottleDir(stateDir, bottle), { recursive: true });
  writeFileSync(
    join(bottleDir(stateDir, bottle), "sandbox.json"),
    JSON.stringify({ backend: "bwrap", init: identity, inner: identity }),
  );
  return {
    async stop(): Promise<void> {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await child.status;
    },
  };
}

export const IS_ROOT = Deno.uid() === 0;

/** A tmpfs of `size` (e.g. "1m") mounted on a new test-owned directory (root only). */
export async function mountTmpfs(size: string): Promise<{ dir: string; unmount(): void }> {
  const dir = await Deno.makeTempDir({ prefix: "bb-tmpfs-" });
  run("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir]);
  return {
    dir,
    unmount(): void {
      run("umount", ["--lazy", dir]);
      Deno.removeSync(dir);
    },
  };
}

export function remountReadOnly(dir: string): void {
  run("mount", ["-o", "remount,ro", dir]);
}

function run(command: string, args: string[]): void {
  const output = new Deno.Command(command, { args, stdout: "null", stderr: "piped" }).outputSync();
  if (!output.success) {
    throw new Error(`${command} ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
  }
}
