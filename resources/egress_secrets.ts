import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import type { SecretSource } from "../manifest/types.ts";
import type { InjectedSecret, SecretsFile } from "../sidecars/egress/secrets.ts";
import { policySha256 } from "../sidecars/egress/policy_file.ts";
import { reloadAndWait } from "./bundle_reload.ts";
import { Fingerprinter } from "./fingerprint.ts";
import { readSecret } from "./secret_source.ts";

/** One injected secret as recorded in state: where it comes from, never its value. */
export interface SecretBinding {
  host: string;
  path_prefix?: string;
  scheme: InjectedSecret["scheme"];
  header?: string;
  source: SecretSource;
  placeholder: string;
  /** Keyed fingerprint of the value (see Fingerprinter): a rotated secret is an update. */
  fingerprint: string;
}

/**
 * The secrets file the egress daemon injects from. Values are read from the operator's
 * environment or files at apply time and written only here (0600, outside the sandbox);
 * state keeps sources and fingerprints.
 */
export const egressSecretsProvider: Provider = {
  type: "egress_secrets",
  replaceKeys: ["path"],
  repairsDriftInPlace: true,
  read(ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const path = String(instance.inputs.path);
    if (!existsSync(path)) {
      return Promise.resolve({ status: "missing", reason: `secrets file ${path} does not exist` });
    }
    const drift: string[] = [];
    if ((statSync(path).mode & 0o077) !== 0) drift.push(`${path} is readable by others`);
    if (!fileMatches(ctx, instance, readFileSync(path, "utf8"))) {
      drift.push(`${path} no longer holds the recorded secrets`);
    }
    return Promise.resolve({ status: "found", outputs: { path }, drift });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    return write(ctx, instance);
  },
  update(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    return write(ctx, instance);
  },
  delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    rmSync(String(instance.inputs.path), { force: true });
    return Promise.resolve();
  },
};

async function write(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
  const path = String(instance.inputs.path);
  const file: SecretsFile = {
    version: 1,
    bottle: instance.bottle,
    secrets: bindingsOf(instance).map((binding) => ({
      host: binding.host,
      ...(binding.path_prefix ? { path_prefix: binding.path_prefix } : {}),
      scheme: binding.scheme,
      ...(binding.header ? { header: binding.header } : {}),
      value: readSecret(binding.source, ctx.env),
      placeholder: binding.placeholder,
    })),
  };
  const text = JSON.stringify(file);
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  const sha256 = policySha256(text);
  await reloadAndWait(ctx, instance.bottle, (marker) => marker?.endsWith(sha256) ?? false);
  return { path };
}

function fileMatches(ctx: ProviderContext, instance: ResourceInstance, text: string): boolean {
  let file: SecretsFile;
  try {
    file = JSON.parse(text) as SecretsFile;
  } catch {
    return false;
  }
  const fingerprints = new Fingerprinter(ctx.stateDir);
  const bindings = bindingsOf(instance);
  return file.secrets?.length === bindings.length &&
    bindings.every((binding, i) =>
      file.secrets[i].placeholder === binding.placeholder &&
      fingerprints.fingerprint(file.secrets[i].value) === binding.fingerprint
    );
}

function bindingsOf(instance: ResourceInstance): SecretBinding[] {
  return (instance.inputs.secrets ?? []) as unknown as SecretBinding[];
}
