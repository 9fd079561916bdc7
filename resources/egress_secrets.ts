import type { ProviderContext, ResourceInstance } from "../engine/provider.ts";
import type { SecretSource } from "../manifest/types.ts";
import type { InjectedSecret, SecretsFile } from "../sidecars/egress/mod.ts";
import { reloadAndWait } from "./bundle_reload.ts";
import { fileProvider } from "./file_provider.ts";
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
 * state keeps sources and fingerprints. A rotated secret is an update, hot-reloaded.
 */
export const egressSecretsProvider = fileProvider({
  type: "egress_secrets",
  what: "secrets file",
  render(ctx: ProviderContext, instance: ResourceInstance): string {
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
    return JSON.stringify(file);
  },
  drift(ctx: ProviderContext, instance: ResourceInstance, text: string): string[] {
    return fileMatches(ctx, instance, text)
      ? []
      : ["the secrets file no longer holds the recorded secrets"];
  },
  afterWrite(ctx: ProviderContext, instance: ResourceInstance, sha256: string): Promise<void> {
    return reloadAndWait(ctx, instance.bottle, (marker) => marker?.endsWith(sha256) ?? false);
  },
});

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
