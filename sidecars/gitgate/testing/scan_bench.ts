/**
 * Measures the push secret scan: a commit of ~50 MB of source-like text (50 files of 1 MiB)
 * in a fresh repository, scanned as a push of it would be (`git rev-list`, `cat-file
 * --batch`, the DLP engine). `deno run -A scan_bench.ts`, or `measurePushScan()` from the bench.
 */

import { join } from "node:path";
import { createDlpEngine } from "../../egress/dlp/mod.ts";
import { baseGitEnv } from "../git_env.ts";
import { scanPush } from "../push_scan.ts";
import { mustGit } from "./fixture.ts";

export interface PushScanResult {
  objects: number;
  bytes: number;
  seconds: number;
  blocked: string | null;
}

export async function measurePushScan(files = 50): Promise<PushScanResult> {
  const root = await Deno.makeTempDir({ prefix: "ggbench" });
  try {
    const home = root;
    const work = join(root, "work");
    await mustGit(["init", "--quiet", work], { home });
    const line = (i: number): string =>
      `export function f${i}(x: string): number { return x.length + ${i}; }\n`;
    for (let file = 0; file < files; file++) {
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
    return {
      objects: result.objects,
      bytes: result.bytes,
      seconds: (performance.now() - started) / 1000,
      blocked: result.blocked?.rule ?? null,
    };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) {
  const result = await measurePushScan();
  console.log(
    `${result.objects} objects, ${(result.bytes / 1e6).toFixed(1)} MB in ` +
      `${result.seconds.toFixed(2)} s: ${(result.bytes / 1e6 / result.seconds).toFixed(0)} MB/s, ` +
      `blocked: ${result.blocked ?? "none"}`,
  );
}
