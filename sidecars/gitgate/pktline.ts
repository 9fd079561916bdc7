/**
 * Git's pkt-line framing, for the answers the gate writes itself: an `ERR` advertisement
 * (git prints `fatal: remote error: MESSAGE`) and a receive-pack refusal report.
 */

const encoder = new TextEncoder();
export const FLUSH = "0000";
/** Git's limit on one pkt-line's payload. */
const MAX_PAYLOAD = 65516;

export function pkt(payload: string): string {
  const length = encoder.encode(payload).length + 4;
  if (length - 4 > MAX_PAYLOAD) throw new Error("pkt-line payload too long");
  return length.toString(16).padStart(4, "0") + payload;
}

export type GitService = "git-upload-pack" | "git-receive-pack";

/** A ref advertisement that only says ERR: what git shows as a remote error. */
export function errorAdvertisement(service: GitService, message: string): string {
  const line = message.replace(/\s*\n\s*/g, "; ").slice(0, 4000);
  return pkt(`# service=${service}\n`) + FLUSH + pkt(`ERR ${line}\n`);
}

export interface PushCommands {
  refs: string[];
  sideBand: boolean;
}

/**
 * The ref names and whether side-band-64k was asked for, from the start of a receive-pack
 * request (`old new ref\0caps` pkt-lines up to a flush); null while incomplete or malformed.
 */
export function parsePushCommands(head: Uint8Array): PushCommands | null {
  const text = new TextDecoder("latin1").decode(head);
  const refs: string[] = [];
  let sideBand = false;
  let at = 0;
  while (at + 4 <= text.length) {
    const length = parseInt(text.slice(at, at + 4), 16);
    if (Number.isNaN(length)) return null;
    if (length === 0) return { refs, sideBand };
    if (length < 4 || at + length > text.length) return null;
    const line = text.slice(at + 4, at + length).replace(/\n$/, "");
    const [command, caps] = line.split("\0");
    if (caps !== undefined) sideBand = caps.split(" ").includes("side-band-64k");
    const ref = command.split(" ")[2];
    if (ref !== undefined && !command.startsWith("shallow ")) refs.push(ref);
    at += length;
  }
  return null;
}

/** A receive-pack report refusing every ref with `reason`, and `message` as `remote:` lines. */
export function refusalReport(commands: PushCommands, reason: string, message: string): string {
  const status = pkt("unpack refused\n") +
    commands.refs.map((ref) => pkt(`ng ${ref} ${reason}\n`)).join("") + FLUSH;
  if (!commands.sideBand) return status;
  const progress = message.split("\n").map((line) => pkt(`\x02${line}\n`)).join("");
  const chunks: string[] = [];
  for (let i = 0; i < status.length; i += 60000) {
    chunks.push(pkt(`\x01${status.slice(i, i + 60000)}`));
  }
  return progress + chunks.join("") + FLUSH;
}
