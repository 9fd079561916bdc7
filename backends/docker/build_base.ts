/**
 * Builds the Docker backend's base image once, as root (debootstrap needs it), for operators
 * who then apply as an ordinary user:
 *
 *     sudo deno run -A backends/docker/build_base.ts
 *
 * Prints the tag. `BOT_BOTTLE_DEBIAN_MIRROR` picks the mirror (and is part of the tag).
 */
import { ensureBaseImage } from "./base_image.ts";

const workDir = await Deno.makeTempDir({
  dir: Deno.env.get("TMPDIR") || "/var/tmp",
  prefix: "bot-bottle-base-",
});
try {
  console.log(await ensureBaseImage({ env: Deno.env.toObject(), workDir }));
  await Deno.remove(workDir, { recursive: true });
} catch (error) {
  // The work directory stays: it holds the log the message names.
  console.error(`error: ${(error as Error).message}`);
  Deno.exitCode = 1;
}
