import assert from "node:assert/strict";
import { bwrapBackend, getBackend } from "./mod.ts";

Deno.test("getBackend: bwrap now, the others named as not built yet", () => {
  assert.equal(getBackend("bwrap"), bwrapBackend);
  assert.equal(getBackend("bwrap").name, "bwrap");
  assert.throws(() => getBackend("docker"), /docker backend is not implemented yet in this build/);
  assert.throws(() => getBackend("smolvm"), /smolvm backend is not implemented yet in this build/);
  assert.throws(() => getBackend("lxc"), /unknown backend "lxc"/);
});
