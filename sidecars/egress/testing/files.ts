/** Test helpers (not used in production): a bottle's CA, secrets and policy files on disk. */

import type { EgressPolicy, PolicyRoute } from "../policy/wire.ts";
import type { InjectedSecret, SecretsFile } from "../secrets/wire.ts";
import { generateCa, type GeneratedCa } from "../tls/ca.ts";

let sharedCa: Promise<GeneratedCa> | null = null;

/** One CA per test process (generating is cheap, but a shared one keeps files comparable). */
export function testCa(): Promise<GeneratedCa> {
  sharedCa ??= generateCa("dev");
  return sharedCa;
}

/** Writes `dir/ca/ca.crt` and `dir/ca/ca.key` (0600); returns the CA directory. */
export async function writeCaDir(dir: string): Promise<string> {
  const ca = await testCa();
  Deno.mkdirSync(`${dir}/ca`, { recursive: true, mode: 0o700 });
  Deno.writeTextFileSync(`${dir}/ca/ca.crt`, ca.certPem);
  Deno.writeTextFileSync(`${dir}/ca/ca.key`, ca.keyPem, { mode: 0o600 });
  return `${dir}/ca`;
}

export function writeSecrets(path: string, secrets: InjectedSecret[], bottle = "dev"): void {
  const file: SecretsFile = { version: 1, bottle, secrets };
  Deno.writeTextFileSync(`${path}.tmp`, JSON.stringify(file), { mode: 0o600 });
  Deno.renameSync(`${path}.tmp`, path);
}

export function testPolicy(
  allow: string[],
  routes: PolicyRoute[] = [],
  extra: Partial<EgressPolicy> = {},
): EgressPolicy {
  return { version: 1, bottle: "dev", allow, deny: [], routes, ...extra };
}

/** A route relayed untouched (for raw-TCP tunnel tests). */
export function passthroughRoute(host: string): PolicyRoute {
  return { host, passthrough: true };
}

export function writePolicyFile(path: string, policy: EgressPolicy): void {
  Deno.writeTextFileSync(`${path}.tmp`, JSON.stringify(policy));
  Deno.renameSync(`${path}.tmp`, path);
}
