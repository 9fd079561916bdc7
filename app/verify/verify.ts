/**
 * `bottle verify`: the escape suite against a bottle. Without a name it makes a temporary
 * bottle and removes it at the end, also on failure and on SIGINT/SIGTERM (the current step
 * finishes, then the bottle goes); with a name it verifies the operator's running bottle.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { resolveStateDir } from "../../engine/state_dir.ts";
import { UserError } from "../errors.ts";
import { openSession } from "../session.ts";
import { applyProject, engineView, repairBottle } from "./engine_ops.ts";
import { Interrupted, runProbes } from "./runner.ts";
import { checkProject, targetFromState } from "./target.ts";
import { createTempBottle, type TempBottle } from "./temp_bottle.ts";
import type { ProbeResult, VerifyTarget } from "./types.ts";

export interface VerifyOptions {
  /** A bottle of the operator's; none: a temporary one. */
  bottle?: string;
  /** With `bottle`: the project it must have been applied from (relative to `cwd`). */
  dir?: string;
  /** Where `dir` is resolved from; default Deno.cwd(). */
  cwd?: string;
  /** Run the destructive probes on a named bottle too. */
  destructive?: boolean;
  onResult?: (result: ProbeResult) => void;
  /** Progress, in words (`making a temporary bottle…`). */
  onProgress?: (message: string) => void;
}

export interface VerifyReport {
  bottle: string;
  kind: VerifyTarget["kind"];
  results: ProbeResult[];
}

const SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];

export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  let interrupted = false;
  const onSignal = (): void => {
    if (!interrupted) options.onProgress?.("interrupted: finishing the current step…");
    interrupted = true;
  };
  for (const signal of SIGNALS) Deno.addSignalListener(signal, onSignal);
  try {
    const report = options.bottle === undefined
      ? await verifyTemporary(options, () => interrupted)
      : await verifyNamed(options.bottle, options, () => interrupted);
    if (interrupted) throw new Interrupted();
    return report;
  } catch (error) {
    if (error instanceof Interrupted) {
      const hint = options.bottle === undefined ? "the temporary bottle was removed" : undefined;
      throw new UserError("interrupted", hint, 130);
    }
    throw error;
  } finally {
    for (const signal of SIGNALS) Deno.removeSignalListener(signal, onSignal);
  }
}

async function verifyTemporary(
  options: VerifyOptions,
  interrupted: () => boolean,
): Promise<VerifyReport> {
  if (options.dir !== undefined) {
    throw new UserError(
      "--dir names the project of a bottle you name; without BOTTLE verify makes its own",
      "bottle verify BOTTLE --dir DIR, or bottle verify",
    );
  }
  if (options.destructive) {
    options.onProgress?.("--destructive changes nothing here: a temporary bottle runs every probe");
  }
  options.onProgress?.("making a temporary bottle…");
  const temp: TempBottle = await createTempBottle();
  try {
    if (interrupted()) throw new Interrupted();
    const target = targetFromState(temp.session, temp.bottle, "temporary", true);
    const engine = engineView(
      temp.session,
      temp.bottle,
      target.spec.homeDir,
      () => applyProject(temp.session),
    );
    const results = await runProbes(target, engine, {
      onResult: options.onResult,
      interrupted,
    });
    return { bottle: temp.bottle, kind: "temporary", results };
  } finally {
    options.onProgress?.("removing the temporary bottle…");
    await temp.destroy();
  }
}

async function verifyNamed(
  bottle: string,
  options: VerifyOptions,
  interrupted: () => boolean,
): Promise<VerifyReport> {
  if (!existsSync(join(resolveStateDir(), "state.db"))) {
    throw new UserError(
      `no bottle named "${bottle}" is applied`,
      "apply one first: deno task apply",
    );
  }
  const session = openSession({ dir: options.dir ?? ".", cwd: options.cwd });
  try {
    if (options.dir !== undefined) checkProject(session, bottle);
    const target = targetFromState(session, bottle, "named", options.destructive ?? false);
    const engine = engineView(
      session,
      bottle,
      target.spec.homeDir,
      () => repairBottle(session, bottle),
    );
    const results = await runProbes(target, engine, { onResult: options.onResult, interrupted });
    return { bottle, kind: "named", results };
  } finally {
    session.close();
  }
}
