import assert from "node:assert/strict";
import { parseSmapsRollup, readProcessMemory, sumMemory } from "./smaps.ts";

const ROLLUP = `55d0c1a3e000-7ffd5a7f1000 ---p 00000000 00:00 0                      [rollup]
Rss:               51234 kB
Pss:               40321 kB
Pss_Anon:          30000 kB
Shared_Clean:       9000 kB
`;

Deno.test("parseSmapsRollup: reads Rss and Pss, not Pss_Anon", () => {
  assert.deepEqual(parseSmapsRollup(ROLLUP), { rssKb: 51234, pssKb: 40321 });
  assert.equal(parseSmapsRollup("Rss: 1 kB\n"), null);
});

Deno.test("readProcessMemory: this process has some; a gone one has none", () => {
  const own = readProcessMemory(Deno.pid);
  assert.ok(own !== null && own.rssKb > 0 && own.pssKb > 0 && own.pssKb <= own.rssKb);
  assert.equal(readProcessMemory(2 ** 22 + 1), null);
});

Deno.test("sumMemory adds field by field", () => {
  assert.deepEqual(sumMemory([{ rssKb: 1, pssKb: 2 }, { rssKb: 3, pssKb: 4 }]), {
    rssKb: 4,
    pssKb: 6,
  });
});
