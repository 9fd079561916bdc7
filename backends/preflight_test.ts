import assert from "node:assert/strict";
import { PreflightError } from "./backend.ts";
import { diagnoseUsernsFailure, findOnPath, parseBwrapVersion, preflight } from "./preflight.ts";

const NONE = { unprivilegedUsernsClone: null, maxUserNamespaces: "15000", apparmorRestrict: null };

Deno.test("userns failure: Debian's unprivileged_userns_clone", () => {
  const error = diagnoseUsernsFailure(
    "bwrap: No permissions to creating new namespace, likely because the kernel does not allow " +
      "non-privileged user namespaces. On e.g. debian this can be enabled with " +
      "'sysctl kernel.unprivileged_userns_clone=1'.",
    { ...NONE, unprivilegedUsernsClone: "0" },
  );
  assert.ok(error instanceof PreflightError);
  assert.match(error.fix, /kernel\.unprivileged_userns_clone=1/);
  assert.match(error.fix, /sysctl\.d/);
});

Deno.test("userns failure: user.max_user_namespaces exhausted", () => {
  const error = diagnoseUsernsFailure(
    "bwrap: Creating new namespace failed: nesting depth or /proc/sys/user/max_*_namespaces " +
      "exceeded (ENOSPC)",
    { ...NONE, maxUserNamespaces: "0" },
  );
  assert.match(error.fix, /user\.max_user_namespaces=15000/);
});

Deno.test("userns failure: Ubuntu's AppArmor restriction names the sysctl and a profile", () => {
  const error = diagnoseUsernsFailure("bwrap: setting up uid map: Permission denied", {
    ...NONE,
    apparmorRestrict: "1",
  });
  assert.match(error.fix, /kernel\.apparmor_restrict_unprivileged_userns=0/);
  assert.match(error.fix, /profile bwrap \/usr\/bin\/bwrap flags=\(unconfined\) \{\n {2}userns,/);
  assert.match(error.message, /setting up uid map/);
});

Deno.test("userns failure of unknown cause lists every knob", () => {
  const error = diagnoseUsernsFailure("", NONE);
  for (const knob of ["unprivileged_userns_clone", "max_user_namespaces", "apparmor_restrict"]) {
    assert.match(error.fix, new RegExp(knob));
  }
});

Deno.test("bwrap versions parse", () => {
  assert.deepEqual(parseBwrapVersion("bubblewrap 0.8.0\n"), [0, 8, 0]);
  assert.deepEqual(parseBwrapVersion("bubblewrap 0.11"), [0, 11, 0]);
  assert.equal(parseBwrapVersion("nonsense"), null);
});

Deno.test("PATH lookup finds executables only", () => {
  assert.equal(findOnPath("sh", "/usr/bin:/bin")?.endsWith("/sh"), true);
  assert.equal(findOnPath("no-such-tool-bottle", "/usr/bin"), null);
  assert.equal(findOnPath("passwd", "/etc")?.startsWith("/etc"), false);
});

Deno.test({
  name: "preflight passes on this machine, once per process",
  ignore: Deno.build.os !== "linux",
  async fn(): Promise<void> {
    const first = preflight();
    assert.equal(preflight(), first);
    const tools = await first;
    for (const path of Object.values(tools)) assert.match(path, /^\//);
  },
});
