/**
 * A probe script's output, read as evidence only when it is exactly what the script prints.
 * The agent may be the same host user as the probe (an ordinary operator): it can then open
 * the probe's stdout pipe through /proc and write into it. So every script is framed by a
 * nonce of its own run (`BEGIN <nonce>` first, `END <nonce> <status of the script's last
 * command>` last, each once, exit status 0), and its lines are read against what it can
 * print: an unknown key or line, a key printed twice that is not a list, data outside the
 * frame or a script that did not end as it does on its own is a FAIL ("probe output was
 * tampered with"), never a verdict from the values. A last command killed by a signal (the
 * agent may signal the probe's processes) is a FAIL too: its output may be cut short.
 */
import { hex } from "../../lib/bytes.ts";
import { exitStatus, fail, noOutput } from "./verdict.ts";
import type { Judgement, ScriptResult } from "./types.ts";

export const TAMPERED = "probe output was tampered with";

/** What a script may print, besides its frame. */
export interface OutputSpec {
  /** Keys printed at most once. */
  once?: readonly string[];
  /** Keys printed once per item (a list, in order). */
  lists?: readonly string[];
  /** Any key of this shape, each at most once (e.g. hex-encoded variable names). */
  names?: RegExp;
}

/** The values of an output that passed every check. */
export interface ProbeOutput {
  /** The value of a `once` key, or null when it was not printed. */
  get(key: string): string | null;
  /** Every value of a `lists` key, in order ([] when none). */
  list(key: string): string[];
  /** Every key printed, in order of first appearance. */
  keys(): string[];
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; judgement: Judgement };

/** The nonce a run frames its script with: 128 random bits, hex. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return hex(bytes);
}

/**
 * The script as it runs inside: the frame around it, in the same shell (a `kill -9 -1` in the
 * script spares that shell, as it would the script's own), the END line carrying the status
 * of the script's last command. An `exit` in the script ends the run without its END line:
 * not finished.
 */
export function frameScript(script: string, nonce: string): string {
  if (!/^[0-9a-f]{16,}$/.test(nonce)) throw new Error(`not a nonce: ${nonce}`);
  return [
    `printf 'BEGIN %s\\n' ${nonce}`,
    "{",
    script.trim() === "" ? ":" : script,
    "}",
    `printf 'END %s %s\\n' ${nonce} "$?"`,
  ].join("\n");
}

/** A FAIL for output that is not what the script prints, saying what was wrong. */
export function tampered(what: string): ReadResult<never> {
  return { ok: false, judgement: fail(`${TAMPERED}: ${what}`) };
}

/** What a framed script printed: its output inside the frame, its last command's status. */
export interface Framed {
  body: string;
  status: number;
}

/** Where `needle` occurs in `text`. */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** The output between the frame's lines, or why there is none to judge. */
export function unframe(result: ScriptResult): ReadResult<Framed> {
  const { stdout, nonce, code } = result;
  if (stdout === "") return { ok: false, judgement: fail(noOutput(result)) };
  const begin = `BEGIN ${nonce}\n`;
  if (!stdout.startsWith(begin)) return tampered("it does not start with this run's BEGIN line");
  if (occurrences(stdout, `BEGIN ${nonce}`).length > 1) return tampered("a second BEGIN line");
  const ends = occurrences(stdout, `END ${nonce}`);
  if (ends.length > 1) return tampered("more than one END line for this run");
  if (ends.length === 0) {
    if (code !== 0) {
      return {
        ok: false,
        judgement: fail(`the probe script did not finish (${exitStatus(result)})`),
      };
    }
    return tampered("it has no END line for this run");
  }
  const at = ends[0];
  const line = stdout.slice(at).match(/^END [0-9a-f]+ (\d+)\n/);
  if (!line || (at !== begin.length && stdout[at - 1] !== "\n")) {
    return tampered("its END line is not a line of its own");
  }
  const trailing = stdout.length - at - line[0].length;
  if (trailing > 0) return tampered(`${trailing} byte(s) after the END line`);
  if (code !== 0) return tampered(`the script printed its END line but exited ${code}`);
  const status = Number(line[1]);
  if (status >= 128) {
    return {
      ok: false,
      judgement: fail(
        `the probe script's last command ended with status ${status} ` +
          "(killed by a signal, or died): its output may be cut short",
      ),
    };
  }
  return { ok: true, value: { body: stdout.slice(begin.length, at), status } };
}

const KEY = /^[A-Za-z0-9_.()\-/]+$/;

/** Reads a framed output strictly against `spec`. */
export function readOutput(result: ScriptResult, spec: OutputSpec): ReadResult<ProbeOutput> {
  const framed = unframe(result);
  if (!framed.ok) return framed;
  const body = framed.value.body;
  const once = new Set(spec.once ?? []);
  const lists = new Set(spec.lists ?? []);
  const single = new Map<string, string>();
  const many = new Map<string, string[]>();
  const order: string[] = [];
  const lines = body === "" ? [] : body.replace(/\n$/, "").split("\n");
  for (const line of lines) {
    const at = line.indexOf("=");
    const key = at > 0 ? line.slice(0, at) : "";
    if (!KEY.test(key)) return tampered(`an unexpected line ${preview(line)}`);
    const value = line.slice(at + 1);
    if (lists.has(key)) {
      many.set(key, [...(many.get(key) ?? []), value]);
    } else if (once.has(key) || spec.names?.test(key)) {
      if (single.has(key)) return tampered(`${key} printed more than once`);
      single.set(key, value);
    } else {
      return tampered(`an unexpected key ${preview(key)}`);
    }
    if (!order.includes(key)) order.push(key);
  }
  return {
    ok: true,
    value: {
      get: (key) => single.get(key) ?? null,
      list: (key) => many.get(key) ?? [],
      keys: () => [...order],
    },
  };
}

/** A value a script printed hex-encoded (`unpack("H*", …)`), or null when it is not hex. */
export function decodeHex(hex: string): string | null {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) return null;
  const bytes = new Uint8Array((hex.match(/../g) ?? []).map((byte) => parseInt(byte, 16)));
  return new TextDecoder().decode(bytes);
}

function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
