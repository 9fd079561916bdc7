/**
 * The bottle's CA: its key stays 0600 and outside the sandbox; a loosened key mode is drift
 * repaired in place; a CA replaced behind the engine's back rebuilds everything that
 * trusts it, and the sandbox then trusts the new one.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { expectCode, World } from "./harness.ts";

Deno.test("ca: private key stays out of the bottle; replacing the CA rebuilds what trusts it", async () => {
  const world = await World.create();
  await world.writeBottle("trust", "egress:\n  allow: [example.com]");
  const caDir = join(world.stateDir, "bottles", "trust", "ca");
  const exec = (script: string) => world.cli(["exec", "trust", "--", "sh", "-c", script]);
  try {
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
    assertEquals((await Deno.stat(join(caDir, "ca.key"))).mode! & 0o777, 0o600);
    const inside = await exec(
      "ls /etc/bot-bottle; grep -rls 'PRIVATE KEY' / --exclude-dir=proc --exclude-dir=usr --exclude-dir=sys 2>/dev/null; true",
    );
    assertEquals(inside.stdout.trim().split("\n"), ["bottle-ca.crt", "ca-bundle.crt"]);
    const before = (await exec("cat /etc/bot-bottle/bottle-ca.crt")).stdout;
    assertEquals(before, await Deno.readTextFile(join(caDir, "ca.crt")));
    expectCode(
      await exec(
        "openssl verify -CAfile /etc/ssl/certs/ca-certificates.crt /etc/bot-bottle/bottle-ca.crt",
      ),
      0,
      "system bundle inside holds the bottle CA",
    );

    await Deno.chmod(join(caDir, "ca.key"), 0o644);
    const loose = await world.cli(["drift"]);
    expectCode(loose, 2, "drift on a loosened key");
    assertMatch(loose.stdout, /ca\.trust \(ca\) changed: .*ca\.key is readable by others/);
    const repair = await world.cli(["plan"]);
    assertMatch(repair.stdout, /~ ca\.trust \(ca\)/);
    assertMatch(repair.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    expectCode(await world.cli(["apply", "--yes"]), 0, "repair the key mode");
    assertEquals((await Deno.stat(join(caDir, "ca.key"))).mode! & 0o777, 0o600);

    await Deno.remove(join(caDir, "ca.crt"));
    const gone = await world.cli(["plan"]);
    assertMatch(gone.stdout, /\+ ca\.trust \(ca\)/);
    for (const id of ["trust_store", "sidecar_bundle", "sandbox"]) {
      assertMatch(gone.stdout, new RegExp(`-/\\+ ${id}\\.trust \\(${id}\\)`));
    }
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply after the CA was lost");
    const after = (await exec("cat /etc/bot-bottle/bottle-ca.crt")).stdout;
    assert_(after !== before, "the sandbox must trust the new CA");
    assertEquals(after, await Deno.readTextFile(join(caDir, "ca.crt")));
    expectCode(await world.cli(["plan", "--detailed-exitcode"]), 0, "converged");
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
  }
});
