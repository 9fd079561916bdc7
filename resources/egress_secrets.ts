import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import type { ProviderContext } from "../engine/provider.ts";
import type { Instance } from "../engine/resource_type.ts";
import type { SecretsFile } from "../sidecars/egress/mod.ts";
import type { BottleContext } from "./bottle_context.ts";
import { reloadAndWait } from "./bundle_reload.ts";
import { defineFileResource, type FileOutputs } from "./file_provider.ts";
import { Fingerprinter } from "./fingerprint.ts";
import { readSecret } from "./secret_source.ts";
import { secretBindingSchema } from "./secret_bindings.ts";

export const egressSecretsInputs = z.object({
  path: z.string(),
  secrets: z.array(secretBindingSchema),
});
export type EgressSecretsInputs = z.infer<typeof egressSecretsInputs>;
type SecretsInstance = Instance<EgressSecretsInputs, FileOutputs>;

/** What of the secrets file drift compares: each secret's placeholder and value. */
const writtenSecrets = z.object({
  secrets: z.array(z.object({ placeholder: z.string(), value: z.string() })),
});

/**
 * The secrets file the egress daemon injects from. Values are read from the operator's
 * environment or files at apply time and written only here (0600, outside the sandbox);
 * state keeps sources and fingerprints. A rotated secret is an update, hot-reloaded.
 */
export const egressSecretsProvider = defineFileResource({
  type: "egress_secrets",
  inputs: egressSecretsInputs,
  what: "secrets file",
  render(ctx: ProviderContext, instance: SecretsInstance): string {
    const file: SecretsFile = {
      version: 1,
      bottle: instance.bottle,
      secrets: instance.inputs.secrets.map((binding) => ({
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
  drift(ctx: ProviderContext, instance: SecretsInstance, text: string): string[] {
    return fileMatches(ctx, instance, text)
      ? []
      : ["the secrets file no longer holds the recorded secrets"];
  },
  afterWrite(ctx: ProviderContext, instance: SecretsInstance, sha256: string): Promise<void> {
    return reloadAndWait(ctx, instance.bottle, (marker) => marker?.endsWith(sha256) ?? false);
  },
});

export function egressSecretsNodes(bottle: BottleContext): ResourceNode[] {
  return [egressSecretsProvider.node({
    id: bottle.id("egress_secrets"),
    bottle: bottle.name,
    inputs: { path: bottle.paths.secretsFile, secrets: [...bottle.secrets] },
    dependsOn: [bottle.id("bottle_dir")],
  })];
}

function fileMatches(ctx: ProviderContext, instance: SecretsInstance, text: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return false;
  }
  const file = writtenSecrets.safeParse(json);
  if (!file.success) return false;
  const written = file.data.secrets;
  const fingerprints = new Fingerprinter(ctx.stateDir);
  const bindings = instance.inputs.secrets;
  return written.length === bindings.length &&
    bindings.every((binding, i) =>
      written[i].placeholder === binding.placeholder &&
      fingerprints.fingerprint(written[i].value) === binding.fingerprint
    );
}
