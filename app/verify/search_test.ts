import { assertEquals } from "../../tests/assert.ts";
import { combineSearch, findNeedles, splitDump } from "./search.ts";

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

Deno.test("combineSearch describes what was searched", () => {
  const result = combineSearch(
    [{ where: "/proc/1/environ", text: "" }, { where: "/tmp/a", text: "s3cr3t" }],
    needles,
  );
  assertEquals(result.hits, [{ label: "the secret", where: "/tmp/a" }]);
  assertEquals(
    result.searched,
    "the environment and command line of 1 process(es), " +
      "1 file(s) under /tmp, /dev/shm, /home/agent, /workspace",
  );
});
