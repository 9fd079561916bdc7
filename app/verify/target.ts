/** The bottle a verify runs against, found in a state directory's records. */
import { join } from "node:path";
import { getBackend } from "../../backends/mod.ts";
import type { SecretsFile } from "../../sidecars/egress/mod.ts";
import { UserError } from "../errors.ts";
import type { Session } from "../session.ts";
import { bottleRecords, bottleSandbox } from "./engine_ops.ts";
import type { BottleSecret, VerifyTarget } from "./types.ts";

/**
 * Builds the target from the bottle's records; the sandbox must be applied and running.
 * Errors are for the operator (UserError: a message and a hint).
 */
export function targetFromState(
  session: Session,
  bottle: string,
  kind: VerifyTarget["kind"],
  destructive: boolean,
): VerifyTarget {
  const records = bottleRecords(session, bottle);
  const sandbox = bottleSandbox(records, session.ctx.stateDir);
  if (!sandbox) {
    const known = [
      ...new Set(session.store.all().filter((r) => r.type === "sandbox").map((r) => r.bottle)),
    ];
    throw new UserError(
      `no bottle named "${bottle}" is applied`,
      known.length > 0
        ? `applied bottles: ${known.join(", ")}`
        : "apply one first: deno task apply",
    );
  }
  const { handle, spec } = sandbox;
  const backend = getBackend(handle.backend);
  const status = backend.status(handle);
  if (status.state === "gone") {
    throw new UserError(
      `bottle "${bottle}" is not running (${status.reason})`,
      "run `deno task drift` to see what changed and `deno task apply` to repair it",
    );
  }
  const secretsFile = stringInput(records, "egress_secrets", "path");
  const caDir = stringInput(records, "ca", "dir");
  return {
    bottle,
    kind,
    backend,
    handle,
    spec,
    secrets: secretsFile ? readSecrets(secretsFile) : [],
    secretsFile,
    caKey: caDir ? join(caDir, "ca.key") : null,
    stateDir: session.ctx.stateDir,
    destructive,
  };
}

/** With `--dir`, the named bottle must have been applied from that project (the session's). */
export function checkProject(session: Session, bottle: string): void {
  const project = session.project;
  const recorded = bottleRecords(session, bottle)[0]?.project;
  if (recorded !== undefined && recorded !== project) {
    throw new UserError(
      `bottle "${bottle}" was applied from ${recorded}, not from ${project}`,
      `pass --dir ${recorded}, or leave --dir out`,
    );
  }
}

function stringInput(
  records: ReturnType<typeof bottleRecords>,
  type: string,
  key: string,
): string | null {
  const value = records.find((record) => record.type === type)?.inputs[key];
  return typeof value === "string" ? value : null;
}

/** The injected secrets as the bundle holds them (host side only; never sent inside). */
function readSecrets(path: string): BottleSecret[] {
  let file: SecretsFile;
  try {
    file = JSON.parse(Deno.readTextFileSync(path)) as SecretsFile;
  } catch (error) {
    throw new UserError(
      `cannot read the bottle's secrets file ${path}: ${(error as Error).message}`,
      "run verify as the user who applied the bottle (it compares the real values with what " +
        "the agent can read)",
    );
  }
  return (file.secrets ?? []).map((secret) => ({
    host: secret.host,
    value: secret.value,
    placeholder: secret.placeholder,
  }));
}
