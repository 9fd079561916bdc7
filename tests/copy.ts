import { dirname } from "node:path";

/** Copies a file, symlink (as a link) or directory tree to `to`, creating its parents. */
export function copySync(from: string, to: string): void {
  const info = Deno.lstatSync(from);
  Deno.mkdirSync(dirname(to), { recursive: true });
  if (info.isSymlink) {
    Deno.symlinkSync(Deno.readLinkSync(from), to);
  } else if (info.isDirectory) {
    Deno.mkdirSync(to, { recursive: true });
    for (const entry of Deno.readDirSync(from)) {
      copySync(`${from}/${entry.name}`, `${to}/${entry.name}`);
    }
  } else {
    Deno.copyFileSync(from, to);
    if (info.mode !== null) Deno.chmodSync(to, info.mode & 0o777);
  }
}
