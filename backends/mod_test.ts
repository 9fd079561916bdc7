import assert from "node:assert/strict";
import { bwrapBackend, dockerBackend, getBackend } from "./mod.ts";

Deno.test("getBackend: bwrap and docker, smolvm named as not built yet", () => {
  assert.equal(getBackend("bwrap"), bwrapBackend);
  assert.equal(getBackend("bwrap").name, "bwrap");
  assert.equal(getBackend("docker"), dockerBackend);
  assert.throws(() => getBackend("smolvm"), /smolvm backend is not implemented yet in this build/);
  assert.throws(() => getBackend("lxc"), /unknown backend "lxc"/);
});
