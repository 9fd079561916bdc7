/**
 * `deno task test`: runs every test (unit, integration with real bwrap, escape suite) and
 * ends with one plain line `N passed, N failed, N skipped` for CI to read.
 */
const args = ["test", "-A", "--no-prompt", ...Deno.args];
// Every test's scratch (worlds, agent CLI installs) goes under one short-named directory that
// goes when the run ends; short, because Unix socket paths under it are limited to 107 bytes.
const scratch = Deno.makeTempDirSync({ dir: "/tmp", prefix: "bbt-" });
const child = new Deno.Command(Deno.execPath(), {
  args,
  env: { TMPDIR: scratch },
  stdout: "piped",
  stderr: "inherit",
}).spawn();

let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4096);
}
const status = await child.status;
Deno.removeSync(scratch, { recursive: true });

// deno test closes with e.g. "ok | 12 passed (3 steps) | 0 failed | 2 ignored (1s)".
const ESC = String.fromCharCode(27);
const plain = tail.replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");
const summary = [...plain.matchAll(/(\d+) passed.*?\| (\d+) failed(?: \| (\d+) ignored)?/g)].at(-1);
const passed = Number(summary?.[1] ?? 0);
const failed = Number(summary?.[2] ?? (status.success ? 0 : 1));
const skipped = Number(summary?.[3] ?? 0);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
Deno.exit(status.code);
