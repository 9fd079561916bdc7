import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import { defineResource, type Observation } from "../engine/resource_type.ts";
import type { BottleContext } from "./bottle_context.ts";

/** Where the host keeps its CA bundle (Debian/Ubuntu, then Fedora/RHEL). */
const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];

export const trustStoreInputs = z.object({
  dir: z.string(),
  /** The bottle's CA certificate (written by the `ca` resource). */
  ca_cert: z.string(),
});
export type TrustStoreInputs = z.infer<typeof trustStoreInputs>;

const outputs = z.object({ dir: z.string() });
type TrustStoreOutputs = z.infer<typeof outputs>;

/**
 * What the sandbox trusts: `bottle-ca.crt` (the bottle's CA alone, for NODE_EXTRA_CA_CERTS)
 * and `ca-bundle.crt` (the system roots plus it, for everything else).
 */
export const trustStoreProvider = defineResource({
  type: "trust_store",
  inputs: trustStoreInputs,
  outputs,
  replaceKeys: ["dir"],
  repairsDriftInPlace: true,
  read(_ctx, instance): Promise<Observation<TrustStoreOutputs>> {
    const { dir, own, bundle } = paths(instance.inputs);
    if (!existsSync(own) || !existsSync(bundle)) {
      return Promise.resolve({ status: "missing", reason: `no trust store in ${dir}` });
    }
    const caPath = instance.inputs.ca_cert;
    if (!existsSync(caPath)) {
      return Promise.resolve({
        status: "found",
        outputs: { dir },
        drift: [`the bottle's CA certificate ${caPath} is gone`],
      });
    }
    const ca = readFileSync(caPath, "utf8");
    const drift: string[] = [];
    if (readFileSync(own, "utf8") !== ca) drift.push(`${own} does not hold the bottle's CA`);
    if (!readFileSync(bundle, "utf8").includes(ca.trim())) {
      drift.push(`${bundle} lacks the bottle's CA`);
    }
    return Promise.resolve({ status: "found", outputs: { dir }, drift });
  },
  create: (_ctx, instance) => Promise.resolve(write(instance.inputs)),
  update: (_ctx, instance) => Promise.resolve(write(instance.inputs)),
  delete(_ctx, instance): Promise<void> {
    rmSync(instance.inputs.dir, { recursive: true, force: true });
    return Promise.resolve();
  },
});

export function trustStoreNodes(bottle: BottleContext): ResourceNode[] {
  return [trustStoreProvider.node({
    id: bottle.id("trust_store"),
    bottle: bottle.name,
    inputs: { dir: bottle.paths.trustDir, ca_cert: join(bottle.paths.caDir, "ca.crt") },
    dependsOn: [bottle.id("ca")],
    replaceWith: [bottle.id("ca"), bottle.id("bottle_dir")],
  })];
}

function write(inputs: TrustStoreInputs): TrustStoreOutputs {
  const { dir, own, bundle } = paths(inputs);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const ca = readFileSync(inputs.ca_cert, "utf8");
  const system = SYSTEM_BUNDLES.find((path) => existsSync(path));
  const roots = system ? readFileSync(system, "utf8") : "";
  atomicWrite(own, ca);
  atomicWrite(bundle, `${roots.trimEnd()}\n\n# bot-bottle CA for this bottle\n${ca.trim()}\n`);
  return { dir };
}

function atomicWrite(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o644 });
  renameSync(`${path}.tmp`, path);
}

function paths(inputs: TrustStoreInputs): { dir: string; own: string; bundle: string } {
  const { dir } = inputs;
  return { dir, own: `${dir}/bottle-ca.crt`, bundle: `${dir}/ca-bundle.crt` };
}
