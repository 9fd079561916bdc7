import { assert_, assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  BASE_ENV,
  BASE_PACKAGES,
  baseContentHash,
  baseImageOf,
  baseImageTag,
  baseRecipe,
  DEFAULT_MIRROR,
  MIRROR_ENV,
} from "./base_image.ts";

Deno.test("base image: tag is bot-bottle-base:<12 hex> of the recipe, default mirror", () => {
  const recipe = baseRecipe({});
  assertEquals(recipe.mirror, DEFAULT_MIRROR);
  assertEquals(recipe.suite, "bookworm");
  const tag = baseImageTag({});
  assertMatch(tag, /^bot-bottle-base:[0-9a-f]{12}$/);
  assertEquals(tag, `bot-bottle-base:${baseContentHash(recipe).slice(0, 12)}`);
  assertEquals(baseImageTag({}), tag, "stable");
});

Deno.test("base image: the mirror, the packages and the recipe version each change the hash", () => {
  const recipe = baseRecipe({});
  const hash = baseContentHash(recipe);
  const mirrored = baseRecipe({ [MIRROR_ENV]: "http://mirror.example/debian" });
  assertEquals(mirrored.mirror, "http://mirror.example/debian");
  assert_(baseContentHash(mirrored) !== hash);
  assert_(baseContentHash({ ...recipe, packages: [...recipe.packages, "curl"] }) !== hash);
  assert_(baseContentHash({ ...recipe, version: `${recipe.version}+` }) !== hash);
  assert_(baseContentHash({ ...recipe, suite: "trixie" }) !== hash);
});

Deno.test("base image: BOT_BOTTLE_DOCKER_BASE replaces ours", () => {
  assertEquals(baseImageOf({}), baseImageTag({}));
  assertEquals(baseImageOf({ [BASE_ENV]: "" }), baseImageTag({}));
  assertEquals(baseImageOf({ [BASE_ENV]: "debian-with-tools:1" }), "debian-with-tools:1");
});

Deno.test("base image: holds what the agent image needs", () => {
  for (const name of ["socat", "git", "nodejs", "python3-minimal", "perl-base", "util-linux"]) {
    assert_(BASE_PACKAGES.includes(name), name);
  }
});
