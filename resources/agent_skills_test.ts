import { assertEquals } from "../tests/assert.ts";
import { type SkillCopy, skillsDrift } from "./agent_skills.ts";
import type { TreeEntry } from "./confined_wire.ts";
import { digestTree } from "./skill_tree.ts";

const file = (path: string, content: string): TreeEntry => ({
  path,
  kind: "file",
  mode: 0o644,
  bytes: new TextEncoder().encode(content),
});

const NOTES: TreeEntry[] = [file("SKILL.md", "Be brief.")];
const skill = (name: string): SkillCopy => ({
  name,
  source: `/skills/${name}`,
  digest: digestTree(NOTES) ?? "",
});
const under = (name: string, entries: TreeEntry[]): TreeEntry[] => [
  { path: name, kind: "directory", mode: 0o755 },
  ...entries.map((entry) => ({ ...entry, path: `${name}/${entry.path}` })),
];

Deno.test("skills drift: none when every skill is as applied", () => {
  assertEquals(
    skillsDrift([skill("a"), skill("b")], [...under("a", NOTES), ...under("b", NOTES)], []),
    [],
  );
});

Deno.test("skills drift: missing, replaced, edited, special files, strangers, unread", () => {
  const entries: TreeEntry[] = [
    ...under("edited", [file("SKILL.md", "Be verbose.")]),
    { path: "linked", kind: "symlink", target: "/etc" },
    ...under("odd", [...NOTES, { path: "pipe", kind: "other", what: "a FIFO" }]),
    file("line\nbreak", ""),
  ];
  assertEquals(
    skillsDrift(
      [skill("edited"), skill("gone"), skill("linked"), skill("odd")],
      entries,
      ['"odd/x" is unreadable (Permission denied)'],
    ),
    [
      'skills: "odd/x" is unreadable (Permission denied)',
      "skill edited was edited",
      "skill gone is missing",
      "skill linked is not a directory",
      'skill odd: "pipe" is a FIFO',
      '"line\\nbreak" is not a declared skill',
    ],
  );
});
