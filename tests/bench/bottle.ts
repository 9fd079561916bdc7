/**
 * A benchmark world: one temporary `BOT_BOTTLE_STATE_DIR` against which the bot-bottle CLI
 * applies, execs and destroys the example manifests. `dispose()` tears everything down
 * (destroy, then ending any process still naming the state dir) and removes the directory.
 */
import { join } from "node:path";
import { failureReason, processesMentioning, reap, type RunResult, timedRun } from "./proc.ts";

export const REPO_ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
export const MAIN_TS = join(REPO_ROOT, "main.ts");

export interface CliTimeouts {
  apply: number;
  destroy: number;
  exec: number;
}

export const DEFAULT_TIMEOUTS: CliTimeouts = { apply: 120_000, destroy: 120_000, exec: 30_000 };

export class World {
  /** Set once an apply has been attempted: from then on dispose() must destroy. */
  private touched = false;
  private disposed = false;
  private disposal: Promise<void> | null = null;
  /** Problems seen while tearing down (destroy failure, leftover processes). */
  readonly teardownNotes: string[] = [];

  private constructor(
    readonly stateDir: string,
    readonly manifestDir: string,
    readonly timeouts: CliTimeouts,
  ) {}

  static async create(
    manifestDir: string,
    label: string,
    timeouts: CliTimeouts = DEFAULT_TIMEOUTS,
  ): Promise<World> {
    const stateDir = await Deno.makeTempDir({ prefix: `bot-bottle-bench-${label}-` });
    return new World(stateDir, manifestDir, timeouts);
  }

  /**
   * `deno run -A main.ts ARGS…` with this world's state dir. Once the world is being torn
   * down, nothing but its own teardown may run against it.
   */
  cli(args: readonly string[], timeoutMs: number): Promise<RunResult> {
    if (this.disposed) return Promise.resolve(refused("the world is being torn down"));
    return this.run(args, timeoutMs);
  }

  private run(args: readonly string[], timeoutMs: number): Promise<RunResult> {
    return timedRun(Deno.execPath(), ["run", "-A", MAIN_TS, ...args], {
      cwd: REPO_ROOT,
      env: { BOT_BOTTLE_STATE_DIR: this.stateDir, NO_COLOR: "1" },
      timeoutMs,
    });
  }

  apply(): Promise<RunResult> {
    this.touched = true;
    return this.cli(["apply", "--yes", "--dir", this.manifestDir], this.timeouts.apply);
  }

  async destroy(): Promise<RunResult> {
    if (this.disposed) return refused("the world is being torn down");
    return await this.runDestroy();
  }

  private async runDestroy(): Promise<RunResult> {
    const result = await this.run(
      ["destroy", "--yes", "--dir", this.manifestDir],
      this.timeouts.destroy,
    );
    if (result.ok) this.touched = false;
    return result;
  }

  /** `exec BOTTLE -- ARGV…` (or, with `separator: false`, `exec BOTTLE ARGV…`). */
  exec(bottle: string, argv: readonly string[], separator = true): Promise<RunResult> {
    const args = separator ? ["exec", bottle, "--", ...argv] : ["exec", bottle, ...argv];
    return this.cli(args, this.timeouts.exec);
  }

  /** Live processes started for this world (sidecars, sandboxes). */
  processes(): number[] {
    return processesMentioning(this.stateDir);
  }

  /**
   * Ends every process this world's state dir still names (after a destroy that should have
   * ended them all) and records how many there were.
   */
  async reapLeftovers(after: string): Promise<number> {
    const count = await reap(this.stateDir);
    if (count > 0) {
      this.teardownNotes.push(`${count} process(es) still running after ${after}; ended them`);
    }
    return count;
  }

  /**
   * Destroys (if anything was applied), ends leftovers, removes the state dir. Idempotent;
   * a second caller waits for the first one's teardown.
   */
  async dispose(): Promise<void> {
    if (this.disposal) return await this.disposal;
    this.disposed = true;
    this.disposal = this.teardown();
    return await this.disposal;
  }

  private async teardown(): Promise<void> {
    if (this.touched) {
      let destroyed = await this.runDestroy();
      if (!destroyed.ok) {
        // Perhaps a command of ours still holds the state lock: end it and try once more.
        await reap(this.stateDir);
        destroyed = await this.runDestroy();
      }
      if (!destroyed.ok) {
        this.teardownNotes.push(`destroy during cleanup failed (${failureReason(destroyed)})`);
      }
    }
    await this.reapLeftovers("cleanup");
    try {
      await Deno.remove(this.stateDir, { recursive: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        this.teardownNotes.push(`could not remove ${this.stateDir}: ${String(error)}`);
      }
    }
  }
}

function refused(reason: string): RunResult {
  return {
    ms: NaN,
    code: 1,
    signal: null,
    ok: false,
    timedOut: false,
    stdout: "",
    stderr: `error: ${reason}`,
  };
}
