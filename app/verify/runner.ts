/** Runs probes against a target: the facts, the I/O they get, SKIPs, errors and time limits. */
import { join } from "node:path";
import { resolveStateDir } from "../../engine/state_dir.ts";
import { frameScript, newNonce } from "./output.ts";
import { ALL_PROBES } from "./probes.ts";
import { fail, skip } from "./verdict.ts";
import type {
  EngineView,
  Facts,
  Judgement,
  Probe,
  ProbeIO,
  ProbeResult,
  ScriptResult,
  VerifyTarget,
} from "./types.ts";

export const DENIED_HOST = "bot-bottle-verify.invalid";
const PROBE_TIMEOUT_MS = 60_000;

/** Paths that exist inside every bottle: never listed as "must be absent". */
const SANDBOX_PATHS = new Set([
  "/",
  "/home",
  "/home/agent",
  "/tmp",
  "/workspace",
  "/run",
  "/run/bottle",
  "/etc",
  "/usr",
  "/opt",
  "/proc",
  "/dev",
]);

/** Host paths that must be absent inside (pure: the caller passes what it knows). */
export function forbiddenPaths(known: {
  home?: string;
  stateDirs: string[];
  secretsFile: string | null;
  caKey: string | null;
}): string[] {
  const paths = [
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/sudoers",
    "/root",
    known.home ?? "",
    ...known.stateDirs,
    known.secretsFile ?? "",
    known.caKey ?? "",
  ].map((path) => path.replace(/\/+$/, ""));
  return [...new Set(paths)].filter((path) => path.startsWith("/") && !SANDBOX_PATHS.has(path));
}

export function factsFor(target: VerifyTarget): Facts {
  const door = target.spec.services.find((service) => service.name === "egress");
  return {
    arch: Deno.build.arch,
    doorPort: door?.port ?? 3128,
    deniedHost: DENIED_HOST,
    forbiddenPaths: forbiddenPaths({
      home: Deno.env.get("HOME"),
      stateDirs: [target.stateDir, resolveStateDir()],
      secretsFile: target.secretsFile,
      caKey: target.caKey,
    }),
  };
}

/** Why a probe does not run on this target, or null when it does. */
export function skipReason(probe: Probe, target: VerifyTarget): string | null {
  if (probe.destructive && !target.destructive) {
    return "destructive (it disturbs what runs in the bottle): pass --destructive to run it " +
      "on a named bottle";
  }
  return null;
}

export class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}

export interface RunOptions {
  probes?: readonly Probe[];
  onResult?: (result: ProbeResult) => void;
  /** Checked between probes: true stops the run (Interrupted). */
  interrupted?: () => boolean;
}

/** Runs every probe in order; one that throws or hangs is a FAIL with the reason. */
export async function runProbes(
  target: VerifyTarget,
  engine: EngineView,
  options: RunOptions = {},
): Promise<ProbeResult[]> {
  const scratch = await Deno.makeTempDir({ prefix: "bb-verify-out-" });
  const io: ProbeIO = {
    facts: factsFor(target),
    target,
    engine,
    inside: insideWith(target, scratch),
  };
  const results: ProbeResult[] = [];
  try {
    for (const probe of options.probes ?? ALL_PROBES) {
      if (options.interrupted?.()) throw new Interrupted();
      const reason = skipReason(probe, target);
      const judgement = reason === null
        ? await afterRevival(target, engine, probe, io)
        : skip(reason);
      const result = { id: probe.id, group: probe.group, ...judgement };
      results.push(result);
      options.onResult?.(result);
    }
    return results;
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

/**
 * A probe runs against a running sandbox: a temporary bottle whose sandbox an earlier probe
 * ended is applied again first (and the evidence says so); a named bottle's is not.
 */
async function afterRevival(
  target: VerifyTarget,
  engine: EngineView,
  probe: Probe,
  io: ProbeIO,
): Promise<Judgement> {
  const status = target.backend.status(target.handle);
  if (status.state === "running") return await judged(probe, io);
  if (target.kind === "named") return fail(`the bottle's sandbox is gone (${status.reason})`);
  const outcome = await engine.apply();
  const now = engine.sandbox();
  if (!outcome.ok || !now) {
    return fail(`the sandbox had ended (${status.reason}); re-applying failed: ${outcome.summary}`);
  }
  target.handle = now.handle;
  target.spec = now.spec;
  const judgement = await judged(probe, io);
  return {
    ...judgement,
    evidence: `(the sandbox had ended: ${status.reason}; re-applied first) ${judgement.evidence}`,
  };
}

async function judged(probe: Probe, io: ProbeIO): Promise<Judgement> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Judgement>((resolve) => {
    timer = setTimeout(
      () => resolve(fail(`the probe did not finish within ${PROBE_TIMEOUT_MS / 1000} s`)),
      PROBE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      probe.run(io).catch((error: unknown) =>
        fail(`the probe could not run: ${error instanceof Error ? error.message : String(error)}`)
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

let runs = 0;

/**
 * `inside` for a target: `/bin/sh -c SCRIPT` as the agent, framed by a nonce of its own
 * (output.ts), output captured in host files.
 */
function insideWith(
  target: VerifyTarget,
  scratch: string,
): (script: string, env?: Record<string, string>) => Promise<ScriptResult> {
  return async (script, env = {}): Promise<ScriptResult> => {
    const n = runs++;
    const nonce = newNonce();
    const capture = { stdout: join(scratch, `${n}.out`), stderr: join(scratch, `${n}.err`) };
    const started = performance.now();
    const argv = ["/bin/sh", "-c", frameScript(script, nonce)];
    const options = { tty: false, cwd: "/", env, capture };
    const code = await target.backend.exec(target.handle, target.spec, argv, options);
    const ms = performance.now() - started;
    const read = (path: string): string => {
      try {
        return new TextDecoder().decode(Deno.readFileSync(path));
      } catch {
        return "";
      }
    };
    const result = {
      code,
      stdout: read(capture.stdout),
      stderr: read(capture.stderr),
      ms,
      nonce,
    };
    await Deno.remove(capture.stdout).catch(() => {});
    await Deno.remove(capture.stderr).catch(() => {});
    return result;
  };
}
