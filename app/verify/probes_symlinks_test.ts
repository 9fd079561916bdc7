import { hex as hexOf, utf8Bytes } from "../../lib/bytes.ts";
import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  ASIDE,
  asidesListed,
  canaryChanges,
  cleanupScript,
  judgeSymlinks,
  plantedLinks,
  plantScript,
  type RoundObservation,
  roundsFor,
} from "./probes_symlinks.ts";
import { frameScript } from "./output.ts";
import { framed, raw, TEST_NONCE } from "./testing.ts";
import type { HomeWrite } from "./types.ts";

const canary = { file: "/tmp/c/canary.json", dir: "/tmp/c/canary.d", token: "tok" };
const writes: HomeWrite[] = [
  { path: ".gitconfig", kind: "file", viaTmp: true },
  { path: ".bot-bottle/agents/a/prompt.md", kind: "file", viaTmp: true },
  { path: ".bot-bottle/agents/a/claude/skills", kind: "dir", viaTmp: false },
];

Deno.test("rounds: writes through files and dirs, reads through files, top directories", () => {
  assertEquals(roundsFor(writes, canary), [
    {
      name: "files",
      links: [
        { rel: ".gitconfig", target: canary.file },
        { rel: ".gitconfig.tmp", target: canary.file },
        { rel: ".bot-bottle/agents/a/prompt.md", target: canary.file },
        { rel: ".bot-bottle/agents/a/prompt.md.tmp", target: canary.file },
        { rel: ".bot-bottle/agents/a/claude/skills", target: canary.dir },
      ],
    },
    {
      name: "reads",
      links: [
        { rel: ".gitconfig", target: canary.file },
        { rel: ".bot-bottle/agents/a/prompt.md", target: canary.file },
      ],
    },
    { name: "directories", links: [{ rel: ".bot-bottle", target: canary.dir }] },
  ]);
  assertEquals(roundsFor([writes[0]], canary).map((round) => round.name), ["files", "reads"]);
});

Deno.test("the plant script quotes paths and links with ln -sT", () => {
  const script = plantScript([{ rel: "it's", target: "/tmp/c/x" }]);
  assertMatch(script, /^plant 'it'\\''s' '\/tmp\/c\/x'$/m);
  assertMatch(script, /ln -sT -- "\$2" "\$p"/);
});

Deno.test({
  name: "the plant script, run here on a scratch home, replaces files and makes missing parents",
  ignore: Deno.build.os !== "linux",
  async fn(): Promise<void> {
    const home = await Deno.makeTempDir();
    await Deno.mkdir(`${home}/.bot-bottle/agents`, { recursive: true });
    await Deno.writeTextFile(`${home}/.gitconfig`, "x");
    const script = plantScript([
      { rel: ".gitconfig", target: "/nonexistent/canary" },
      { rel: ".bot-bottle/agents/a/prompt.md", target: "/nonexistent/canary" },
    ]).replace(/^H=.*$/m, `H='${home}'`);
    const output = await new Deno.Command("/bin/sh", { args: ["-c", script], stdout: "piped" })
      .output();
    assertEquals(
      new TextDecoder().decode(output.stdout),
      "planted=.gitconfig\nplanted=.bot-bottle/agents/a/prompt.md\n",
    );
    assertEquals(await Deno.readLink(`${home}/.gitconfig`), "/nonexistent/canary");
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test("canary changes: rewritten, new entries, mtime, gone", () => {
  const before = new Map([
    ["/c/f", { content: "tok", mtimeMs: 1 }],
    ["/c/d", { content: "canary.json", mtimeMs: 1, dir: true }],
  ]);
  assertEquals(canaryChanges(before, new Map(before)), []);
  assertEquals(
    canaryChanges(
      before,
      new Map([
        ["/c/f", { content: "# Written by bot-bottle", mtimeMs: 2 }],
        ["/c/d", { content: "agents\ncanary.json", mtimeMs: 2, dir: true }],
        ["/c/d/agents", { content: "(not a file)", mtimeMs: 2 }],
      ]),
    ),
    [
      '/c/f was rewritten: now "# Written by bot-bottle"',
      "/c/d now holds agents, canary.json",
      "/c/d/agents appeared",
    ],
  );
  assertEquals(canaryChanges(before, new Map([["/c/f", { content: "tok", mtimeMs: 5 }]])), [
    "/c/f's mtime changed",
    "/c/d is gone",
  ]);
});

const round = (overrides: Partial<RoundObservation>): RoundObservation => ({
  name: "files",
  problems: [],
  planted: [".gitconfig"],
  failed: [],
  drift: ["gitconfig.b: edited"],
  apply: { ok: true, summary: "update gitconfig.b" },
  canary: [],
  tokenHits: [],
  ...overrides,
});

Deno.test("symlinks judge: intact canary and no token passes; a failed apply alone too", () => {
  assertEquals(judgeSymlinks([round({})]), {
    verdict: "PASS",
    evidence:
      "files: planted .gitconfig; drift seen in 1 item(s); apply ok (update gitconfig.b); " +
      "canary byte-identical, mtime unchanged; its token nowhere inside",
  });
  assertEquals(
    judgeSymlinks([round({ apply: { ok: false, summary: "refused a symlink" } })]).verdict,
    "PASS",
  );
});

Deno.test("symlinks judge: a changed canary, the token inside or nothing planted fail, first", () => {
  const changed = judgeSymlinks([
    round({}),
    round({ name: "directories", canary: ["/c/d now holds agents"] }),
  ]);
  assertEquals(changed.verdict, "FAIL");
  assertMatch(changed.evidence, /^directories: .*\/c\/d now holds agents; .* \| files: /);
  const leaked = judgeSymlinks([round({ tokenHits: [{ label: "t", where: "home: x" }] })]);
  assertMatch(leaked.evidence, /its token inside: home: x/);
  assertEquals(judgeSymlinks([round({ planted: [] })]).verdict, "FAIL");
  const tampered = judgeSymlinks([
    round({ problems: ["probe output was tampered with: planted printed more than once"] }),
  ]);
  assertEquals(tampered.verdict, "FAIL");
  assertMatch(tampered.evidence, /^files: probe output was tampered with: /);
});

Deno.test("plantedLinks: planted and failed lists; anything else is tampering", () => {
  const read = plantedLinks(framed("planted=.gitconfig\nfailed=.x: Permission denied\n"));
  assertEquals(read.ok && read.value, {
    planted: [".gitconfig"],
    failed: [".x: Permission denied"],
  });
  const forged = plantedLinks(
    raw(`${framed("failed=.gitconfig: x\n").stdout}planted=.gitconfig\n`),
  );
  assertEquals(forged.ok, false);
});

const hex = (text: string): string => hexOf(utf8Bytes(text));

Deno.test("asidesListed: plain relative paths that are asides; a path out of the home is tampering", () => {
  const aside = `.bot-bottle${ASIDE}42`;
  const read = asidesListed(framed(`aside=${hex(aside)}\naside=${hex(aside)}\n`));
  assertEquals(read.ok && read.value, [aside]);
  for (const bad of [`../../etc${ASIDE}1`, `/etc${ASIDE}1`, "plain", `a//b${ASIDE}1`]) {
    const listed = asidesListed(framed(`aside=${hex(bad)}\n`));
    assertEquals(listed.ok, false, bad);
  }
  assertEquals(asidesListed(framed("aside=zz\n")).ok, false);
});

Deno.test({
  name: "the cleanup script, run here on a scratch home, removes links and lists asides only",
  ignore: Deno.build.os !== "linux",
  async fn(): Promise<void> {
    const home = await Deno.makeTempDir();
    await Deno.mkdir(`${home}/.bot-bottle${ASIDE}7/agents`, { recursive: true });
    await Deno.mkdir(`${home}/a/b${ASIDE}8`, { recursive: true });
    await Deno.symlink("/nonexistent", `${home}/.gitconfig`);
    await Deno.writeTextFile(`${home}/kept`, "x");
    const script = cleanupScript([".gitconfig", "kept"]).replaceAll("/home/agent", home);
    const output = await new Deno.Command("/bin/sh", {
      args: ["-c", frameScript(script, TEST_NONCE)],
      stdout: "piped",
    }).output();
    const read = asidesListed(raw(new TextDecoder().decode(output.stdout)));
    assertEquals(read.ok && read.value.sort(), [`.bot-bottle${ASIDE}7`, `a/b${ASIDE}8`]);
    assertEquals(Deno.lstatSync(`${home}/kept`).isFile, true);
    assertEquals([...Deno.readDirSync(home)].some((e) => e.name === ".gitconfig"), false);
    await Deno.remove(home, { recursive: true });
  },
});
