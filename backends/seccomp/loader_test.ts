import assert from "node:assert/strict";
import { seccompFilter } from "./filter.ts";
import { loaderScript, seccompExecArgv, toHex } from "./loader.ts";
import { seccompArch } from "./syscalls.ts";
import { cloneProbe, parseProbe, PROBE_SCRIPT, probes, run } from "./testing.ts";

const LINUX = Deno.build.os === "linux";
const PERL = "/usr/bin/perl";
const NODE = "/usr/bin/node";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function loader(filter: Uint8Array = seccompFilter()): string[] {
  return seccompExecArgv(PERL, filter);
}

Deno.test("seccompExecArgv: perl with -t -C0, the script, --, the filter in hex", () => {
  const filter = seccompFilter("x86_64");
  const argv = seccompExecArgv("/p/perl", filter, "x86_64");
  assert.deepEqual(argv.slice(0, 4), ["/p/perl", "-t", "-C0", "-e"]);
  assert.equal(argv[5], "--");
  assert.equal(argv[6], toHex(filter));
  assert.match(argv[6], /^([0-9a-f]{16})+$/);
  assert.equal(argv.length, 7);
  assert.match(argv[4], /syscall\(157, 38, 1, 0, 0, 0\)/);
  assert.match(argv[4], /syscall\(157, 22, 2, \$fprog, 0, 0\)/);
  assert.match(seccompExecArgv("perl", filter, "aarch64")[4], /syscall\(167, 22, 2,/);
  assert.match(argv[4], /pack\('S x!\[P\] P', length\(\$prog\) \/ 8, \$prog\)/);
  assert.match(argv[4], /exec \{ \$ARGV\[0\] \} @ARGV;/);
  assert.doesNotMatch(loaderScript(157), /\b(use|require|do|open|sysopen|%ENV|\$ENV)\b/);
});

Deno.test("seccompExecArgv refuses a filter that is not whole instructions", () => {
  assert.throws(() => loader(new Uint8Array(0)), /not 0 bytes/);
  assert.throws(() => loader(new Uint8Array(12)), /not 12 bytes/);
  assert.throws(() => loader(new Uint8Array(8 * 4097)), /1 to 4096/);
  assert.throws(() => seccompExecArgv(PERL, seccompFilter(), "mips" as "x86_64"), /unsupported/);
});

Deno.test({
  name: "loader: the command runs filtered (Seccomp: 2, denied syscalls EPERM)",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const status = await run([...loader(), "cat", "/proc/self/status"]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Seccomp:\s+2$/m);
    assert.match(status.stdout, /^NoNewPrivs:\s+1$/m);

    const all = [...probes(seccompArch()), cloneProbe(seccompArch())];
    const probe = await run([
      ...loader(),
      PERL,
      "-e",
      PROBE_SCRIPT,
      ...all.map((p) => `${p.label}=${p.spec}`),
    ]);
    assert.equal(probe.code, 0, probe.stderr);
    const results = parseProbe(probe.stdout);
    for (const p of all) assert.equal(results[p.label], p.filtered, `${p.label}: ${probe.stdout}`);
  },
});

Deno.test({
  name: "control: the same probes, unfiltered and as root, do not answer EPERM",
  ignore: !LINUX || Deno.uid() !== 0,
  async fn(): Promise<void> {
    const all = probes(seccompArch());
    const probe = await run([PERL, "-e", PROBE_SCRIPT, ...all.map((p) => `${p.label}=${p.spec}`)]);
    const results = parseProbe(probe.stdout);
    for (const p of all) {
      if (p.filtered === "ok") assert.equal(results[p.label], "ok", p.label);
      else assert.notEqual(results[p.label], p.filtered, `${p.label} is not refused unfiltered`);
    }
    assert.equal(results.unshare, "ok");
  },
});

Deno.test({
  name: "loader: ordinary work still runs (sh, ls, node, children inherit the filter)",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const sh = await run([...loader(), "sh", "-c", "echo ok; grep ^Seccomp: /proc/self/status"]);
    assert.equal(sh.code, 0, sh.stderr);
    assert.match(sh.stdout, /^ok\nSeccomp:\s+2\n$/);
    const ls = await run([...loader(), "ls", "/usr"]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^bin$/m);
    const exit = await run([...loader(), "sh", "-c", "exit 7"]);
    assert.equal(exit.code, 7, "the command's exit status passes through");
    if (exists(NODE)) {
      const node = await run([...loader(), NODE, "-e", "console.log(1)"]);
      assert.equal(node.code, 0, node.stderr);
      assert.equal(node.stdout, "1\n");
    }
  },
});

Deno.test({
  name: "loader: environment and arguments reach the command unchanged",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const env = {
      PATH: "/usr/bin:/bin",
      PERL5OPT: "-MNo::Such::Module",
      PERL5LIB: "/nonexistent",
      PERL_UNICODE: "SDA",
      WEIRD: "a b\tc=d",
    };
    const args = ["a b", "", "-e", "--", "é ü", "$HOME"];
    const script = 'for a in "$@"; do printf "[%s]" "$a"; done; echo; env | sort';
    const direct = await run(["sh", "-c", script, "sh", ...args], env);
    const filtered = await run([...loader(), "sh", "-c", script, "sh", ...args], env);
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.equal(filtered.stderr, "");
    assert.equal(filtered.stdout, direct.stdout);
    assert.match(filtered.stdout, /^\[a b\]\[\]\[-e\]\[--\]\[é ü\]\[\$HOME\]$/m);
  },
});

Deno.test({
  name: "loader: a corrupt filter, or none, and the command is not run (exit 126)",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const marker = await Deno.makeTempFile();
    await Deno.remove(marker);
    const command = ["sh", "-c", `echo RAN; : > ${marker}`];
    const good = loader();
    const hexAt = good.length - 1;
    const badOpcode = new Uint8Array(16);
    badOpcode.set([0xff, 0xff], 0);
    badOpcode.set([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f], 8);
    const cases: Record<string, string[]> = {
      "kernel rejects the program": [...loader(badOpcode), ...command],
      "jump past the end": [...loader(jumpPastEnd()), ...command],
      "not hex": [...good.slice(0, hexAt), "zz" + good[hexAt].slice(2), ...command],
      "half an instruction": [...good.slice(0, hexAt), good[hexAt] + "00112233", ...command],
      "upper-case hex": [...good.slice(0, hexAt), good[hexAt].toUpperCase(), ...command],
      "empty": [...good.slice(0, hexAt), "", ...command],
      "no command": good,
    };
    for (const [what, argv] of Object.entries(cases)) {
      const result = await run(argv);
      assert.equal(result.code, 126, `${what}: ${result.stderr}`);
      assert.doesNotMatch(result.stdout, /RAN/, what);
      assert.match(result.stderr, /bot-bottle seccomp loader: .*the command was not run/, what);
      assert.equal(exists(marker), false, what);
    }
  },
});

function jumpPastEnd(): Uint8Array {
  const bytes = new Uint8Array(16);
  bytes.set([0x15, 0, 9, 0, 0, 0, 0, 0], 0); // jeq 0, +0, +9: out of the program
  bytes.set([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f], 8);
  return bytes;
}

Deno.test({
  name: "loader: a missing command exits 127, an unrunnable one 126",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const missing = await run([...loader(), "/nonexistent/command"]);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /\/nonexistent\/command: No such file or directory/);
    const dir = await run([...loader(), "/usr"]);
    assert.equal(dir.code, 126);
  },
});
