/**
 * Measures the push secret scan: a commit of ~50 MB of source-like text (50 files) in a
 * fresh repository, scanned as a push of it would be. `deno run -A scan_bench.ts`
 */

import { join } from "node:path";
import { createDlpEngine } from "../../egress/dlp/mod.ts";
import { baseGitEnv } from "../git_env.ts";
import { scanPush } from "../push_scan.ts";
import { mustGit } from "./fixture.ts";

const root = await Deno.makeTempDir({ prefix: "ggbench" });
const home = root;
const work = join(root, "work");
await mustGit(["init", "--quiet", work], { home });
const line = (i: number): string =>
  `export function f${i}(x: string): number { return x.length + ${i}; }\n`;
for (let file = 0; file < 50; file++) {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 1 << 20; i++) {
    const text = line(file * 100_000 + i);
    parts.push(text);
    size += text.length;
  }
  Deno.writeTextFileSync(join(work, `f${file}.ts`), parts.join(""));
}
await mustGit(["add", "."], { cwd: work, home });
await mustGit(["commit", "--quiet", "-m", "big"], { cwd: work, home });
const tip = await mustGit(["rev-parse", "HEAD"], { cwd: work, home });
await mustGit(["update-ref", "-d", "HEAD"], { cwd: work, home });
const engine = createDlpEngine({ rules: {}, bottleSecrets: [], maxBodyBytes: 64 << 20 });
const env = {
  ...baseGitEnv({ path: Deno.env.get("PATH") ?? "/usr/bin:/bin", home }),
  GIT_DIR: join(work, ".git"),
};
const started = performance.now();
const result = await scanPush(env, [tip], engine, "git.example.com");
const seconds = (performance.now() - started) / 1000;
console.log(
  `${result.objects} objects, ${(result.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s: ` +
    `${(result.bytes / 1e6 / seconds).toFixed(0)} MB/s, blocked: ${result.blocked?.rule ?? "none"}`,
);
await Deno.remove(root, { recursive: true });
