/**
 * A tiny classic-BPF assembler for seccomp: the handful of instructions a seccomp filter needs,
 * with forward jumps to named labels, encoded as `struct sock_filter` records
 * (`u16 code; u8 jt; u8 jf; u32 k`, 8 bytes each, little-endian: x86_64 and aarch64 both are).
 */

// Opcode pieces from <linux/bpf_common.h>.
export const BPF_LD = 0x00;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_W = 0x00;
export const BPF_ABS = 0x20;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_K = 0x00;

/** The kernel's limit on a filter's length (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

/** One instruction, jumps still named; a missing jt/jf falls through to the next instruction. */
export interface BpfInsn {
  readonly code: number;
  readonly k: number;
  readonly jt?: string;
  readonly jf?: string;
}

/** A step of a program: an instruction, or a label naming the position of the next one. */
export type BpfStep = BpfInsn | { readonly label: string };

/** A = the 32-bit word at `offset` in struct seccomp_data. */
export function ld(offset: number): BpfInsn {
  return { code: BPF_LD | BPF_W | BPF_ABS, k: offset };
}

/** if (A == k) goto jt else goto jf. */
export function jeq(k: number, jt?: string, jf?: string): BpfInsn {
  return { code: BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf };
}

/** if (A > k) goto jt else goto jf (unsigned). */
export function jgt(k: number, jt?: string, jf?: string): BpfInsn {
  return { code: BPF_JMP | BPF_JGT | BPF_K, k, jt, jf };
}

/** if (A & k) goto jt else goto jf. */
export function jset(k: number, jt?: string, jf?: string): BpfInsn {
  return { code: BPF_JMP | BPF_JSET | BPF_K, k, jt, jf };
}

/** return k (a SECCOMP_RET_* action). */
export function ret(k: number): BpfInsn {
  return { code: BPF_RET | BPF_K, k };
}

/** Marks the position of the next instruction as `name`. */
export function label(name: string): BpfStep {
  return { label: name };
}

/**
 * Encodes the program, resolving labels. Throws on an unknown or duplicate label, on a backward
 * jump or one further than 255 instructions (classic BPF cannot express either), on a program
 * that could run off its end, and on one longer than BPF_MAXINSNS.
 */
export function assemble(steps: readonly BpfStep[]): Uint8Array {
  const labels = new Map<string, number>();
  const insns: BpfInsn[] = [];
  for (const step of steps) {
    if ("label" in step) {
      if (labels.has(step.label)) throw new Error(`bpf: duplicate label ${step.label}`);
      labels.set(step.label, insns.length);
    } else {
      insns.push(step);
    }
  }
  if (insns.length === 0 || insns.length > BPF_MAXINSNS) {
    throw new Error(`bpf: a filter needs 1 to ${BPF_MAXINSNS} instructions, not ${insns.length}`);
  }
  const last = insns[insns.length - 1];
  if (last.code !== (BPF_RET | BPF_K)) throw new Error("bpf: the last instruction must return");
  const out = new Uint8Array(insns.length * 8);
  const view = new DataView(out.buffer);
  insns.forEach((insn, i) => {
    const offset = (name: string | undefined): number => {
      if (name === undefined) return 0;
      const target = labels.get(name);
      if (target === undefined || target >= insns.length) {
        throw new Error(`bpf: label ${name} names no instruction`);
      }
      const distance = target - (i + 1);
      if (distance < 0 || distance > 255) {
        throw new Error(`bpf: jump from ${i} to ${name} (${target}) does not fit a u8`);
      }
      return distance;
    };
    if (!Number.isInteger(insn.k) || insn.k < 0 || insn.k > 0xffffffff) {
      throw new Error(`bpf: constant ${insn.k} at ${i} is not a u32`);
    }
    view.setUint16(i * 8, insn.code, true);
    view.setUint8(i * 8 + 2, offset(insn.jt));
    view.setUint8(i * 8 + 3, offset(insn.jf));
    view.setUint32(i * 8 + 4, insn.k, true);
  });
  return out;
}
