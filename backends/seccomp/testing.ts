/**
 * Test helpers: a classic-BPF interpreter that runs a seccomp filter the way the kernel would
 * (after the kernel's own checks on the program), and a perl probe that makes raw syscalls
 * inside a filtered process.
 */

import { BPF_ABS, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD } from "./bpf.ts";
import { BPF_MAXINSNS, BPF_RET, BPF_W } from "./bpf.ts";
import { requireSyscall, type SeccompArch } from "./syscalls.ts";
import { runOutput } from "../../lib/command.ts";

/** One decoded `struct sock_filter`. */
export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** What the filter sees of a syscall (struct seccomp_data); args are 64-bit. */
export interface SeccompData {
  arch: number;
  nr: number;
  args?: readonly bigint[];
  instructionPointer?: bigint;
}

const LD_ABS = BPF_LD | BPF_W | BPF_ABS;
const RET_K = BPF_RET | BPF_K;
const JUMPS = new Set([BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET].map((op) => BPF_JMP | op | BPF_K));
const SECCOMP_DATA_SIZE = 64;

/** Decodes the filter, with the checks the kernel makes before accepting one. */
export function decodeFilter(filter: Uint8Array): SockFilter[] {
  if (filter.length === 0 || filter.length % 8 !== 0 || filter.length / 8 > BPF_MAXINSNS) {
    throw new Error(`filter of ${filter.length} bytes is not 1..${BPF_MAXINSNS} instructions`);
  }
  const view = new DataView(filter.buffer, filter.byteOffset, filter.byteLength);
  const insns: SockFilter[] = [];
  for (let at = 0; at < filter.length; at += 8) {
    insns.push({
      code: view.getUint16(at, true),
      jt: view.getUint8(at + 2),
      jf: view.getUint8(at + 3),
      k: view.getUint32(at + 4, true),
    });
  }
  insns.forEach((insn, pc) => {
    if (insn.code === LD_ABS) {
      if (insn.k % 4 !== 0 || insn.k >= SECCOMP_DATA_SIZE) throw new Error(`bad load at ${pc}`);
    } else if (JUMPS.has(insn.code)) {
      if (pc + 1 + Math.max(insn.jt, insn.jf) >= insns.length) {
        throw new Error(`jump out of the program at ${pc}`);
      }
    } else if (insn.code !== RET_K) {
      throw new Error(`opcode 0x${insn.code.toString(16)} at ${pc} is not one seccomp allows here`);
    }
  });
  if (insns[insns.length - 1].code !== RET_K) throw new Error("the program does not end in ret");
  return insns;
}

/** Runs the filter on one syscall and returns its SECCOMP_RET_* value. */
export function runFilter(filter: Uint8Array, data: SeccompData): number {
  const insns = decodeFilter(filter);
  const bytes = new DataView(new ArrayBuffer(SECCOMP_DATA_SIZE));
  bytes.setUint32(0, data.nr >>> 0, true);
  bytes.setUint32(4, data.arch >>> 0, true);
  bytes.setBigUint64(8, data.instructionPointer ?? 0n, true);
  (data.args ?? []).forEach((arg, i) =>
    bytes.setBigUint64(16 + 8 * i, BigInt.asUintN(64, arg), true)
  );
  let a = 0;
  for (let pc = 0; pc < insns.length; pc++) {
    const { code, jt, jf, k } = insns[pc];
    if (code === LD_ABS) {
      a = bytes.getUint32(k, true);
    } else if (code === RET_K) {
      return k;
    } else {
      const op = code & 0xf0;
      const taken = op === BPF_JEQ
        ? a === k
        : op === BPF_JGT
        ? a > k
        : op === BPF_JGE
        ? a >= k
        : ((a & k) >>> 0) !== 0;
      pc += taken ? jt : jf;
    }
  }
  throw new Error("fell off the end of the program");
}

/** A readable name for a SECCOMP_RET_* value. */
export function verdict(ret: number): string {
  if (ret === 0x7fff0000) return "allow";
  if ((ret & 0xffff0000) >>> 0 === 0x00050000) return `errno ${ret & 0xffff}`;
  return `0x${ret.toString(16)}`;
}

/**
 * A perl program that makes each syscall given as `label=nr,arg,…` (up to five arguments,
 * zero-filled) and prints `label=ok` or `label=<errno>`. A child of a clone that should have
 * been refused exits at once.
 */
export const PROBE_SCRIPT = [
  "$| = 1;",
  "for (@ARGV) {",
  "  my ($label, $spec) = split /=/;",
  "  my @a = map { $_ + 0 } split /,/, $spec;",
  "  push @a, 0 while @a < 6;",
  "  $! = 0;",
  "  my $r = syscall($a[0], @a[1..5]);",
  "  exit 0 if $r == 0 && $label =~ /^clone/;",
  '  print "$label=", ($r == -1 ? $! + 0 : "ok"), "\\n";',
  "}",
].join("\n");

/** One probe: a raw syscall and the result expected under the filter ("ok" or an errno). */
export interface Probe {
  label: string;
  spec: string;
  filtered: string;
}

/**
 * Probes for `arch`. Their arguments are harmless and chosen so that, unfiltered and as root,
 * none of the denied ones fails with EPERM: an EPERM can only come from the filter.
 */
export function probes(arch: SeccompArch): Probe[] {
  const nr = (name: string): number => requireSyscall(arch, name);
  const probe = (label: string, name: string, args: number[], filtered: string): Probe => ({
    label,
    spec: [nr(name), ...args].join(","),
    filtered,
  });
  return [
    probe("keyctl", "keyctl", [0, 0, 0], "1"),
    probe("bpf", "bpf", [0x4242, 0, 0], "1"),
    probe("perf_event_open", "perf_event_open", [0, 0, 0, 0, 0], "1"),
    probe("userfaultfd", "userfaultfd", [0x4242], "1"),
    probe("ptrace", "ptrace", [0x4242, 0, 0, 0], "1"),
    probe("unshare", "unshare", [0], "1"),
    probe("mount", "mount", [0, 0, 0, 0, 0], "1"),
    probe("clone3", "clone3", [0, 0], "38"),
    probe("ioctl_tiocsti", "ioctl", [0, 0x5412, 0], "1"),
    probe("ioctl_tiocsti_high_bits", "ioctl", [0, 0x1_0000_5412, 0], "1"),
    probe("personality_read_implies_exec", "personality", [0x0400000], "1"),
    probe("socket_vsock", "socket", [40, 1, 0], "1"),
    probe("getpid", "getpid", [], "ok"),
    probe("personality_query", "personality", [0xffffffff], "ok"),
    probe("socket_unix", "socket", [1, 1, 0], "ok"),
  ];
}

/** Probes that would really clone when unfiltered: left out of unfiltered control runs. */
export function cloneProbe(arch: SeccompArch): Probe {
  const flags = 0x10000000 | 17; // CLONE_NEWUSER | SIGCHLD
  return {
    label: "clone_newuser",
    spec: `${requireSyscall(arch, "clone")},${flags}`,
    filtered: "1",
  };
}

/** Parses the probe's `label=result` lines. */
export function parseProbe(stdout: string): Record<string, string> {
  const results: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const match = /^(\w+)=(\w+)$/.exec(line);
    if (match) results[match[1]] = match[2];
  }
  return results;
}

/** The output of a command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs argv (with `env` as its whole environment when given) and collects its output. */
export async function run(
  argv: readonly string[],
  env?: Record<string, string>,
): Promise<RunResult> {
  const { code, stdout, stderr } = await runOutput(
    argv[0],
    argv.slice(1),
    env ? { env, clearEnv: true } : {},
  );
  return { code, stdout, stderr };
}
