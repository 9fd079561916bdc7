import { isAbsolute, relative, sep } from "node:path";

/** One problem in a manifest, at a 1-based position in its file when there is one. */
export class ManifestError extends Error {
  override name = "ManifestError";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly col: number | undefined,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }

  /** `file:line:col: message` and an indented `hint: …` line. */
  format(cwd: string = currentDir()): string {
    const where = this.line === undefined
      ? displayPath(this.file, cwd)
      : `${displayPath(this.file, cwd)}:${this.line}:${this.col ?? 1}`;
    return `${where}: ${this.message}\n  hint: ${this.hint}`;
  }
}

/** Every problem found while loading a project, sorted by file and position. */
export class ManifestErrors extends Error {
  override name = "ManifestErrors";
  readonly errors: readonly ManifestError[];

  constructor(errors: readonly ManifestError[]) {
    const sorted = [...errors].sort(compareErrors);
    super(formatAll(sorted, currentDir()));
    this.errors = sorted;
  }

  format(cwd: string = currentDir()): string {
    return formatAll(this.errors, cwd);
  }
}

/** A path relative to `cwd` when it lies under it, otherwise unchanged. */
export function displayPath(file: string, cwd: string): string {
  if (!isAbsolute(file) || !isAbsolute(cwd)) return file;
  const rel = relative(cwd, file);
  return rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? file : rel;
}

function currentDir(): string {
  try {
    return Deno.cwd();
  } catch {
    return "";
  }
}

function formatAll(errors: readonly ManifestError[], cwd: string): string {
  return errors.map((error) => error.format(cwd)).join("\n");
}

function compareErrors(a: ManifestError, b: ManifestError): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}
