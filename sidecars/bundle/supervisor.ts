/**
 * The bundle supervisor: one per bottle, leader of its own session and process group. It
 * runs the bundle's daemons, restarts them when they exit, forwards SIGHUP (reload), and on
 * SIGTERM stops them and removes their sockets. It holds no secrets and logs none.
 */

import { type ChildSpec, SupervisedChild } from "./child.ts";
import { RestartPolicy, type RestartPolicyOptions } from "./restart_policy.ts";

export interface SupervisorOptions {
  children: ChildSpec[];
  log(line: string): void;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
  restartPolicy?: RestartPolicyOptions;
}

/** Exit status of the supervisor process. */
export type SupervisorExit = 0 | 1 | 2;

export async function runSupervisor(options: SupervisorOptions): Promise<SupervisorExit> {
  const children = options.children.map((spec) =>
    new SupervisedChild(spec, {
      readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
      stopGraceMs: options.stopGraceMs ?? 2000,
      restartPolicy: new RestartPolicy(options.restartPolicy),
      log: options.log,
    })
  );
  const stopRequested = Promise.withResolvers<"stop">();
  const onStop = (): void => stopRequested.resolve("stop");
  const onReload = (): void => children.forEach((child) => child.reload());
  Deno.addSignalListener("SIGTERM", onStop);
  Deno.addSignalListener("SIGINT", onStop);
  Deno.addSignalListener("SIGHUP", onReload);

  const failures = children.map((child) => child.supervise());
  const firstFailure = Promise.race(
    failures.map((p) => p.then((reason) => reason ?? new Promise<never>(() => {}))),
  );
  let exit: SupervisorExit = 0;
  const startup = await Promise.race([
    Promise.all(children.map((child) => child.started)).then(
      () => "ready" as const,
      (e: Error) => e,
    ),
    stopRequested.promise,
  ]);
  if (startup instanceof Error) {
    options.log(`bundle: ${startup.message}`);
    exit = 2;
  } else if (startup === "ready") {
    const outcome = await Promise.race([stopRequested.promise, firstFailure]);
    if (outcome !== "stop") {
      options.log(`bundle: ${outcome}`);
      exit = 1;
    }
  }
  await Promise.all(children.map((child) => child.stop()));
  await Promise.all(failures);
  for (const child of children) removeSocket(child.spec.socket);
  Deno.removeSignalListener("SIGTERM", onStop);
  Deno.removeSignalListener("SIGINT", onStop);
  Deno.removeSignalListener("SIGHUP", onReload);
  return exit;
}

function removeSocket(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // already gone
  }
}
