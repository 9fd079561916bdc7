import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import { defineResource, type Observation } from "../engine/resource_type.ts";
import { sha256Hex } from "../lib/sha256.ts";
import type { BottleContext } from "./bottle_context.ts";

export const caInputs = z.object({ dir: z.string(), bottle: z.string() });
export type CaInputs = z.infer<typeof caInputs>;

const outputs = z.object({ sha256: z.string() });
type CaOutputs = z.infer<typeof outputs>;

/**
 * The bottle's certificate authority for TLS interception: `ca.key` (0600) never leaves the
 * bundle; `ca.crt` goes to the trust store. Replacing it replaces what trusts it.
 */
export const caProvider = defineResource({
  type: "ca",
  inputs: caInputs,
  outputs,
  replaceKeys: ["dir", "bottle"],
  repairsDriftInPlace: true,
  read(_ctx, instance): Promise<Observation<CaOutputs>> {
    const { cert, key } = paths(instance.inputs);
    if (!existsSync(cert) || !existsSync(key)) {
      return Promise.resolve({ status: "missing", reason: `no CA in ${instance.inputs.dir}` });
    }
    const drift = (statSync(key).mode & 0o077) !== 0 ? [`${key} is readable by others`] : [];
    const observed = { sha256: sha256Hex(readFileSync(cert, "utf8")) };
    if (instance.outputs?.sha256 && instance.outputs.sha256 !== observed.sha256) {
      drift.push(`${cert} was replaced outside bot-bottle`);
    }
    return Promise.resolve({ status: "found", outputs: observed, drift });
  },
  async create(_ctx, instance): Promise<CaOutputs> {
    const { dir, cert, key } = paths(instance.inputs);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Loaded only when a CA is made (WebCrypto and our DER code; no other command needs it).
    const { generateCa } = await import("../sidecars/egress/tls/ca.ts");
    const ca = await generateCa(instance.inputs.bottle);
    writeFileSync(key, ca.keyPem, { mode: 0o600 });
    writeFileSync(cert, ca.certPem, { mode: 0o644 });
    return { sha256: sha256Hex(ca.certPem) };
  },
  update(_ctx, instance): Promise<CaOutputs> {
    const { cert, key } = paths(instance.inputs);
    chmodSync(key, 0o600);
    return Promise.resolve({ sha256: sha256Hex(readFileSync(cert, "utf8")) });
  },
  delete(_ctx, instance): Promise<void> {
    rmSync(instance.inputs.dir, { recursive: true, force: true });
    return Promise.resolve();
  },
});

export function caNodes(bottle: BottleContext): ResourceNode[] {
  return [caProvider.node({
    id: bottle.id("ca"),
    bottle: bottle.name,
    inputs: { dir: bottle.paths.caDir, bottle: bottle.name },
    dependsOn: [bottle.id("bottle_dir")],
    replaceWith: [bottle.id("bottle_dir")],
  })];
}

function paths(inputs: CaInputs): { dir: string; cert: string; key: string } {
  const { dir } = inputs;
  return { dir, cert: `${dir}/ca.crt`, key: `${dir}/ca.key` };
}
