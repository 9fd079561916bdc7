/**
 * One supervised daemon: spawned, judged ready once its socket accepts a connection,
 * restarted with backoff when it exits, given SIGHUP for reloads, stopped on request.
 * Its stderr is copied to the supervisor's stderr (the bundle log).
 */

import type { RestartPolicy } from "./restart_policy.ts";

export interface ChildSpec {
  /** e.g. `egress`; used in log lines. */
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The daemon is ready once this Unix socket accepts a connection. */
  socket: string;
  /**
   * Exit code meaning "bad configuration": on a first start it is final (no restarts).
   * Any other early exit is retried under the restart policy.
   */
  configErrorCode?: number;
}

export interface ChildOptions {
  readyTimeoutMs: number;
  stopGraceMs: number;
  restartPolicy: RestartPolicy;
  log(line: string): void;
}

export class SupervisedChild {
  private process: Deno.ChildProcess | null = null;
  private ready = false;
  private reloadPending = false;
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly firstStart = Promise.withResolvers<void>();

  constructor(readonly spec: ChildSpec, private readonly options: ChildOptions) {
    this.firstStart.promise.catch(() => {});
  }

  /** Resolves when the daemon first became ready; rejects if its first start failed. */
  get started(): Promise<void> {
    return this.firstStart.promise;
  }

  /**
   * Runs the daemon until stop() (resolves null) or until it fails for good (resolves
   * with the reason): a configuration error on its first start, or a crash loop.
   */
  async supervise(): Promise<string | null> {
    const { name } = this.spec;
    let everReady = false;
    while (!this.stopping) {
      const startedAt = Date.now();
      let child: Deno.ChildProcess;
      try {
        child = this.spawn();
      } catch (error) {
        return this.giveUp(`cannot start ${name}: ${(error as Error).message}`);
      }
      const status = child.status;
      if (await this.waitReady(child, status)) {
        everReady = true;
        this.onReady();
      } else if (!this.stopping && !(await exitsWithin(status, 0))) {
        this.options.log(`bundle: ${name} did not become ready; killing it`);
        await this.kill(child, status);
      }
      const exit = await status;
      this.process = null;
      this.ready = false;
      if (this.stopping) return null;
      if (!everReady && exit.code === this.spec.configErrorCode) {
        return this.giveUp(`${name} failed to start (${describe(exit)})`);
      }
      const decision = this.options.restartPolicy.next(Date.now(), Date.now() - startedAt);
      if (!decision.restart) return this.giveUp(`${name} ${decision.reason}; giving up`);
      this.options.log(
        `bundle: ${name} exited (${describe(exit)}); restarting in ${decision.delayMs} ms`,
      );
      await this.sleep(decision.delayMs);
    }
    return null;
  }

  private giveUp(reason: string): string {
    this.firstStart.reject(new Error(reason));
    return reason;
  }

  /** SIGHUP now if the daemon is ready, else as soon as it is. */
  reload(): void {
    if (this.ready && this.process !== null) this.signal("SIGHUP");
    else this.reloadPending = true;
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the daemon is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const child = this.process;
    if (child !== null) await this.kill(child, child.status);
  }

  private spawn(): Deno.ChildProcess {
    const child = new Deno.Command(this.spec.command, {
      args: this.spec.args,
      env: this.spec.env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.process = child;
    copyToStderr(child.stderr);
    return child;
  }

  private onReady(): void {
    this.ready = true;
    this.firstStart.resolve();
    if (this.reloadPending) {
      this.reloadPending = false;
      this.signal("SIGHUP");
    }
  }

  private async waitReady(
    child: Deno.ChildProcess,
    status: Promise<Deno.CommandStatus>,
  ): Promise<boolean> {
    let exited = false;
    status.then(() => exited = true);
    const deadline = Date.now() + this.options.readyTimeoutMs;
    let delay = 2;
    while (!exited && !this.stopping && Date.now() < deadline) {
      try {
        const conn = await Deno.connect({ transport: "unix", path: this.spec.socket });
        conn.close();
        return this.process === child;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 25);
      }
    }
    return false;
  }

  private async kill(
    child: Deno.ChildProcess,
    status: Promise<Deno.CommandStatus>,
  ): Promise<void> {
    trySignal(child, "SIGTERM");
    if (await exitsWithin(status, this.options.stopGraceMs)) return;
    trySignal(child, "SIGKILL");
    await exitsWithin(status, 5000);
  }

  private signal(signal: Deno.Signal): void {
    if (this.process !== null) trySignal(this.process, signal);
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }
}

/** True if `status` settles within `ms` (0: already settled). */
function exitsWithin(status: Promise<Deno.CommandStatus>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    status.then(() => true),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), ms)),
  ]).finally(() => clearTimeout(timer));
}

function trySignal(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already exited
  }
}

function describe(status: Deno.CommandStatus): string {
  return status.signal !== null ? `signal ${status.signal}` : `code ${status.code}`;
}

async function copyToStderr(stream: ReadableStream<Uint8Array>): Promise<void> {
  try {
    for await (const chunk of stream) {
      let offset = 0;
      while (offset < chunk.length) offset += Deno.stderr.writeSync(chunk.subarray(offset));
    }
  } catch {
    // the bundle log is gone; nothing else to write to
  }
}
