import { assertEquals, assertMatch } from "../tests/assert.ts";
import { gitIdentity, renderGitconfig } from "./gitconfig.ts";

Deno.test("gitconfig: the bottle's git_user, else an identity naming the bottle", () => {
  assertEquals(gitIdentity("dev", { name: "Ada" }), {
    name: "Ada",
    email: "agent@dev.bot-bottle.invalid",
  });
  assertEquals(gitIdentity("dev", undefined).name, "bot-bottle agent (dev)");
});

Deno.test("gitconfig: values are quoted so git reads them back verbatim", async () => {
  const text = renderGitconfig({
    path: "/x",
    bottle: "dev",
    user: { name: 'A "q" \\ b; #c', email: "a@b" },
  });
  assertMatch(text, /name = "A \\"q\\" \\\\ b; #c"/);
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(file, text);
    const output = await new Deno.Command("git", {
      args: ["config", "--file", file, "user.name"],
    }).output();
    assertEquals(new TextDecoder().decode(output.stdout), 'A "q" \\ b; #c\n');
  } finally {
    await Deno.remove(file);
  }
});
