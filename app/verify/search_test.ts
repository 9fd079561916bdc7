import { assertEquals } from "../../tests/assert.ts";
import { combineSearch, findNeedles, scanTree, splitDump } from "./search.ts";

const needles = [{ label: "the secret", value: "s3cr3t" }];

Deno.test("splitDump and findNeedles: sections by name, matches by label", () => {
  const dump = "junk\n==BB-VERIFY-SECTION /proc/7/environ\nA=1\0B=s3cr3t\0" +
    "\n==BB-VERIFY-SECTION /tmp/x\nclean\n";
  const sections = splitDump(dump);
  assertEquals(sections.map((s) => s.where), ["/proc/7/environ", "/tmp/x"]);
  assertEquals(findNeedles(sections[0].text, needles, sections[0].where), [
    { label: "the secret", where: "/proc/7/environ" },
  ]);
  assertEquals(findNeedles(sections[1].text, needles, "x"), []);
  assertEquals(findNeedles("anything", [{ label: "empty", value: "" }], "x"), []);
});

Deno.test({
  name: "scanTree reads regular files only: never through a symlink, never a FIFO",
  ignore: Deno.build.os !== "linux",
  async fn(): Promise<void> {
    const root = await Deno.makeTempDir();
    const outside = await Deno.makeTempFile();
    await Deno.writeTextFile(outside, "s3cr3t outside");
    await Deno.mkdir(`${root}/sub`);
    await Deno.writeTextFile(`${root}/sub/leak.txt`, "xx s3cr3t xx");
    await Deno.writeTextFile(`${root}/clean.txt`, "nothing");
    await Deno.symlink(outside, `${root}/link`);
    await Deno.symlink("/", `${root}/rootlink`);
    await new Deno.Command("mkfifo", { args: [`${root}/fifo`] }).output();
    const scan = scanTree(root, needles, "home");
    assertEquals(scan.hits, [{ label: "the secret", where: "home: sub/leak.txt" }]);
    assertEquals(scan.files, 2);
    const small = scanTree(root, needles, "home", { file: 4, total: 100 });
    assertEquals(small.truncated, 2);
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside);
  },
});

Deno.test("combineSearch describes what was searched", () => {
  const result = combineSearch(
    [{ where: "/proc/1/environ", text: "" }, { where: "/tmp/a", text: "s3cr3t" }],
    [{ name: "the home", scan: { files: 3, hits: [], truncated: 0 } }],
    needles,
  );
  assertEquals(result.hits, [{ label: "the secret", where: "/tmp/a" }]);
  assertEquals(
    result.searched,
    "the environment and command line of 1 process(es), /tmp and /dev/shm (1 file(s)), " +
      "the home (3 file(s))",
  );
});
