import assert from "node:assert/strict";
import { seccompFilter } from "./filter.ts";
import { seccompArch } from "./syscalls.ts";
import { cloneProbe, parseProbe, PROBE_SCRIPT, probes, run, type RunResult } from "./testing.ts";

const LINUX = Deno.build.os === "linux";
const NODE = "/usr/bin/node";

/**
 * Runs `command` in a bwrap sandbox shaped like a bottle's (all namespaces, uid 1000, no nested
 * user namespaces), with `filter` (when given) on fd 3 for `--seccomp 3`: bwrap reads the fd to
 * its end, so it is a file opened by the shell that execs bwrap.
 */
async function inBwrap(command: readonly string[], filter: Uint8Array | null): Promise<RunResult> {
  const dir = await Deno.makeTempDir({ prefix: "seccomp-test-" });
  try {
    const file = `${dir}/filter.bpf`;
    await Deno.writeFile(file, filter ?? new Uint8Array(0));
    const bwrap = [
      "bwrap",
      "--unshare-all",
      "--unshare-user",
      "--disable-userns",
      "--die-with-parent",
      "--uid",
      "1000",
      "--gid",
      "1000",
      "--ro-bind",
      "/usr",
      "/usr",
      "--symlink",
      "usr/bin",
      "/bin",
      "--symlink",
      "usr/lib",
      "/lib",
      "--symlink",
      "usr/lib64",
      "/lib64",
      "--proc",
      "/proc",
      "--dev",
      "/dev",
      ...(filter ? ["--seccomp", "3"] : []),
      "--",
      ...command,
    ];
    return await run(["bash", "-c", 'exec 3<"$1"; shift; exec "$@"', "bash", file, ...bwrap]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function probeArgs(): string[] {
  const all = [...probes(seccompArch()), cloneProbe(seccompArch())];
  return ["perl", "-e", PROBE_SCRIPT, ...all.map((p) => `${p.label}=${p.spec}`)];
}

Deno.test({
  name: "bwrap --seccomp: the sandbox runs filtered, denied syscalls answer EPERM",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const status = await inBwrap(["cat", "/proc/self/status"], seccompFilter());
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Seccomp:\s+2$/m);
    assert.match(status.stdout, /^Uid:\s+1000\s/m);

    const probe = await inBwrap(probeArgs(), seccompFilter());
    assert.equal(probe.code, 0, probe.stderr);
    const results = parseProbe(probe.stdout);
    for (const p of [...probes(seccompArch()), cloneProbe(seccompArch())]) {
      assert.equal(results[p.label], p.filtered, `${p.label}: ${probe.stdout}`);
    }
  },
});

Deno.test({
  name: "bwrap without --seccomp (control): no filter, and unshare(0) and ptrace are not EPERM",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const status = await inBwrap(["cat", "/proc/self/status"], null);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Seccomp:\s+0$/m);
    const results = parseProbe((await inBwrap(probeArgs(), null)).stdout);
    assert.equal(results.unshare, "ok");
    assert.notEqual(results.ptrace, "1");
    assert.notEqual(results.keyctl, "1");
    assert.notEqual(results.clone3, "38");
  },
});

Deno.test({
  name: "bwrap --seccomp: ordinary work still runs (sh, ls, node)",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const sh = await inBwrap(
      ["sh", "-c", "echo ok; grep ^Seccomp: /proc/self/status"],
      seccompFilter(),
    );
    assert.equal(sh.code, 0, sh.stderr);
    assert.match(sh.stdout, /^ok\nSeccomp:\s+2\n$/);
    const ls = await inBwrap(["ls", "/usr"], seccompFilter());
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^bin$/m);
    const pipeline = await inBwrap(["sh", "-c", "seq 1 1000 | sort -n | tail -1"], seccompFilter());
    assert.equal(pipeline.stdout, "1000\n", pipeline.stderr);
    let hasNode = true;
    try {
      Deno.statSync(NODE);
    } catch {
      hasNode = false;
    }
    if (hasNode) {
      const node = await inBwrap(
        [NODE, "-e", "require('fs').readdirSync('/usr'); setTimeout(() => console.log(1), 10)"],
        seccompFilter(),
      );
      assert.equal(node.code, 0, node.stderr);
      assert.equal(node.stdout, "1\n");
    }
  },
});
