import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";

/** Where the host keeps its CA bundle (Debian/Ubuntu, then Fedora/RHEL). */
const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];

/**
 * What the sandbox trusts: `bottle-ca.crt` (the bottle's CA alone, for NODE_EXTRA_CA_CERTS)
 * and `ca-bundle.crt` (the system roots plus it, for everything else).
 */
export const trustStoreProvider: Provider = {
  type: "trust_store",
  replaceKeys: ["dir"],
  repairsDriftInPlace: true,
  read(_ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const { dir, own, bundle } = paths(instance);
    if (!existsSync(own) || !existsSync(bundle)) {
      return Promise.resolve({ status: "missing", reason: `no trust store in ${dir}` });
    }
    const caPath = String(instance.inputs.ca_cert);
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
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    return Promise.resolve(write(instance));
  },
  update(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    return Promise.resolve(write(instance));
  },
  delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    rmSync(String(instance.inputs.dir), { recursive: true, force: true });
    return Promise.resolve();
  },
};

function write(instance: ResourceInstance): JsonObject {
  const { dir, own, bundle } = paths(instance);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const ca = readFileSync(String(instance.inputs.ca_cert), "utf8");
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

function paths(instance: ResourceInstance): { dir: string; own: string; bundle: string } {
  const dir = String(instance.inputs.dir);
  return { dir, own: `${dir}/bottle-ca.crt`, bundle: `${dir}/ca-bundle.crt` };
}
