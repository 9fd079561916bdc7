import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";

/**
 * The bottle's certificate authority for TLS interception: `ca.key` (0600) never leaves the
 * bundle; `ca.crt` goes to the trust store. Replacing it replaces what trusts it.
 */
export const caProvider: Provider = {
  type: "ca",
  replaceKeys: ["dir", "bottle"],
  repairsDriftInPlace: true,
  read(_ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const { cert, key } = paths(instance);
    if (!existsSync(cert) || !existsSync(key)) {
      return Promise.resolve({ status: "missing", reason: `no CA in ${instance.inputs.dir}` });
    }
    const drift = (statSync(key).mode & 0o077) !== 0 ? [`${key} is readable by others`] : [];
    const outputs = { sha256: sha256(readFileSync(cert, "utf8")) };
    if (instance.outputs?.sha256 && instance.outputs.sha256 !== outputs.sha256) {
      drift.push(`${cert} was replaced outside bot-bottle`);
    }
    return Promise.resolve({ status: "found", outputs, drift });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  async create(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    const { dir, cert, key } = paths(instance);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Loaded only when a CA is made: the X.509 library costs every other command start-up.
    const { generateCa } = await import("../sidecars/egress/tls/mod.ts");
    const ca = await generateCa(String(instance.inputs.bottle));
    writeFileSync(key, ca.keyPem, { mode: 0o600 });
    writeFileSync(cert, ca.certPem, { mode: 0o644 });
    return { sha256: sha256(ca.certPem) };
  },
  update(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    const { cert, key } = paths(instance);
    chmodSync(key, 0o600);
    return Promise.resolve({ sha256: sha256(readFileSync(cert, "utf8")) });
  },
  delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    rmSync(String(instance.inputs.dir), { recursive: true, force: true });
    return Promise.resolve();
  },
};

function paths(instance: ResourceInstance): { dir: string; cert: string; key: string } {
  const dir = String(instance.inputs.dir);
  return { dir, cert: `${dir}/ca.crt`, key: `${dir}/ca.key` };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
