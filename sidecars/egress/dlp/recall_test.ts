import assert from "node:assert/strict";
import { createDlpEngine } from "./engine.ts";
import { SECRET_RULE_IDS } from "./rules/mod.ts";
import { CARRIERS } from "./testing/carriers.ts";
import { Rng } from "./testing/random.ts";
import { sample } from "./testing/samples.ts";

const SAMPLES_PER_FORMAT = 20;

Deno.test("recall: every format in every carrier, >= 99%, details never hold the secret", () => {
  const engine = createDlpEngine({ rules: {}, bottleSecrets: [], maxBodyBytes: 1 << 20 });
  const r = new Rng(20240601);
  let cases = 0;
  let found = 0;
  const misses: string[] = [];
  for (const id of SECRET_RULE_IDS) {
    for (let i = 0; i < SAMPLES_PER_FORMAT; i++) {
      const { text, secret } = sample(id, r);
      for (const [carrier, run] of Object.entries(CARRIERS)) {
        cases++;
        const findings = run(engine, text, r);
        for (const f of findings) {
          if (secret) assert.ok(!f.detail.includes(secret), `${f.rule} detail holds the secret`);
          assert.equal(f.action, "block");
        }
        if (findings.some((f) => f.rule === id)) found++;
        else misses.push(`${id} via ${carrier}: ${JSON.stringify(text.slice(0, 80))}`);
      }
    }
  }
  const recall = found / cases;
  console.log(`format recall ${(100 * recall).toFixed(2)}% (${found}/${cases})`);
  assert.ok(recall >= 0.99, `recall ${recall}; misses:\n${misses.slice(0, 20).join("\n")}`);
});
