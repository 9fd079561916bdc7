import { statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { ManifestError } from "./errors.ts";
import type { SkillSource } from "./types.ts";

/** A skill's name is its directory's name; Claude Code and Codex both expect this shape. */
const SKILL_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Resolves an agent's `skills:` entries (directories, relative to the agent's file; `~/` is the
 * operator's home) and checks each holds a `SKILL.md`. Problems go to `errors`, located by
 * `locate(index)`.
 */
export function resolveSkills(
  file: string,
  entries: readonly string[],
  home: string,
  locate: (index: number) => { line: number | undefined; col: number | undefined },
): { skills: SkillSource[]; errors: ManifestError[] } {
  const skills: SkillSource[] = [];
  const errors: ManifestError[] = [];
  const error = (index: number, message: string, hint: string): void => {
    const { line, col } = locate(index);
    errors.push(new ManifestError(file, line, col, message, hint));
  };
  entries.forEach((entry, index) => {
    const expanded = entry === "~" || entry.startsWith("~/") ? join(home, entry.slice(1)) : entry;
    const path = isAbsolute(expanded) ? expanded : resolve(dirname(file), expanded);
    const name = basename(path);
    if (!isDirectory(path)) {
      error(
        index,
        `skill \`${entry}\` is not a directory (looked at ${path})`,
        "a skill is a directory holding SKILL.md; paths are relative to this agent's file",
      );
      return;
    }
    if (!isFile(join(path, "SKILL.md"))) {
      error(
        index,
        `skill \`${entry}\` has no SKILL.md`,
        "add SKILL.md with `name:` and `description:` frontmatter and the instructions",
      );
      return;
    }
    if (!SKILL_NAME.test(name)) {
      error(
        index,
        `skill directory name \`${name}\` is not a valid skill name`,
        "rename the directory: lower-case letters, digits and `-` (e.g. `release-notes`)",
      );
      return;
    }
    if (skills.some((skill) => skill.name === name)) {
      error(index, `two skills are named \`${name}\``, "skill directories need distinct names");
      return;
    }
    skills.push({ name, path });
  });
  return { skills, errors };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
