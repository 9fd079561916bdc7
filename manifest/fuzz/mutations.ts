/** Seeded mutations of manifest text for the fuzzer (fuzz_test.ts). */

/** mulberry32: a small seeded PRNG, so a failing case is reproduced from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES = [
  "",
  "~",
  "null",
  "5",
  "-1",
  "1e999",
  "true",
  "[]",
  "{}",
  "[a, [b, {c: d}]]",
  '"\\0"',
  '"\\x1b[31m"',
  '"é\\u202e\\ud800"',
  "&x {A: *x}",
  "*missing",
  "!!binary aGk=",
  "? [a]\n  : b",
  "---",
  "...",
  "|\n  text",
  "/dev/zero",
  "/proc/kmsg",
  "/dev/stdin",
  "@FIFO@",
  "@LOOP@",
  "~/..",
  "docker",
  "smolvm",
  "jwtt",
];

export type Mutation = (text: string, random: () => number) => string;

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}

function lineEdit(text: string, random: () => number, edit: (line: string) => string): string {
  const lines = text.split("\n");
  const index = Math.floor(random() * lines.length);
  lines[index] = edit(lines[index]);
  return lines.join("\n");
}

export const MUTATIONS: readonly Mutation[] = [
  (text, random) =>
    lineEdit(text, random, (line) => line.replace(/:\s.*$/, `: ${pick(VALUES, random)}`)),
  (text, random) => lineEdit(text, random, (line) => `${line}${pick(VALUES, random)}`),
  (text, random) => lineEdit(text, random, () => "---"),
  (text, random) => lineEdit(text, random, (line) => `  ${line}`),
  (text, random) => lineEdit(text, random, () => ""),
  (text, random) => lineEdit(text, random, (line) => line.replace(/^(\s*)/, "$1\t")),
  (text, random) => {
    const depth = 10 + Math.floor(random() * 2000);
    return lineEdit(text, random, (line) => `${line}${"[".repeat(depth)}${"]".repeat(depth)}`);
  },
  (text, random) => {
    const depth = 10 + Math.floor(random() * 300);
    let nested = "env:\n";
    for (let i = 1; i < depth; i++) nested += `${" ".repeat(i)}k${i}:\n`;
    return text.replace(/^---\n/, `---\n${nested}`);
  },
  (text, random) =>
    lineEdit(text, random, (line) => `${line}${"x".repeat(Math.floor(random() * 100_000))}`),
  (text, random) => {
    const at = Math.floor(random() * text.length);
    return `${text.slice(0, at)}${
      pick(
        ["\0", "\u0007", "\r", "\uFEFF", "\uFFFD", "'", '"', "&", "*", "{", "]", ":", "#"],
        random,
      )
    }${text.slice(at)}`;
  },
  (text, random) => text.slice(0, Math.floor(random() * text.length)),
  (text) => `---\n${text}`,
  (text) => text.replace(/\n---\n/, "\n---\n---\n"),
  (text, random) =>
    lineEdit(
      text,
      random,
      () => `egress: {routes: [{host: api.test, upstream_ca_file: ${pick(VALUES, random)}}]}`,
    ),
  (text, random) =>
    lineEdit(
      text,
      random,
      () =>
        `egress: {routes: [{host: api.test, auth: {scheme: bearer, secret: {file: ${
          pick(VALUES, random)
        }}}}]}`,
    ),
  (text, random) =>
    lineEdit(
      text,
      random,
      () => `egress: {dlp: {rules: {${pick(VALUES, random)}: {action: warn}}}}`,
    ),
  (text, random) =>
    lineEdit(text, random, () => `extends: ${pick(["dev", "bad", "missing", ""], random)}`),
];
