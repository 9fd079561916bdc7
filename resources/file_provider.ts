import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import { policySha256 } from "../sidecars/egress/mod.ts";

/** A file the engine renders from a resource's inputs (its path is `inputs.path`). */
export interface RenderedFile {
  type: string;
  /** What the file is, for messages: e.g. `policy file`. */
  what: string;
  /** The file's exact text; throws (before anything is written) when the inputs are unusable. */
  render(ctx: ProviderContext, instance: ResourceInstance): string;
  /** How the live file differs from what the inputs render, in words; [] when it matches. */
  drift(ctx: ProviderContext, instance: ResourceInstance, text: string): string[];
  /** Runs after each write, e.g. a hot reload that must take effect before apply goes on. */
  afterWrite(ctx: ProviderContext, instance: ResourceInstance, sha256: string): Promise<void>;
}

/**
 * A provider for a file that is only ever replaced whole: written atomically (mode 0600),
 * updated in place, a loosened mode or an edit behind the engine's back is drift. Only for
 * files in the engine's own directories: it follows symlinks. A file in the agent's home
 * goes through confined_files.ts (see gitconfig.ts).
 */
export function fileProvider(file: RenderedFile): Provider {
  const write = async (ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> => {
    const path = String(instance.inputs.path);
    const text = file.render(ctx, instance);
    writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    const sha256 = policySha256(text);
    await file.afterWrite(ctx, instance, sha256);
    return { sha256 };
  };
  return {
    type: file.type,
    replaceKeys: ["path"],
    repairsDriftInPlace: true,
    read(ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
      const path = String(instance.inputs.path);
      if (!existsSync(path)) {
        return Promise.resolve({
          status: "missing",
          reason: `${file.what} ${path} does not exist`,
        });
      }
      const text = readFileSync(path, "utf8");
      const drift = (statSync(path).mode & 0o077) !== 0 ? [`${path} is readable by others`] : [];
      drift.push(...file.drift(ctx, instance, text));
      return Promise.resolve({ status: "found", outputs: { sha256: policySha256(text) }, drift });
    },
    diff(desired: JsonObject, recorded: JsonObject): DiffResult {
      return diffInputs(desired, recorded, this.replaceKeys, true);
    },
    create: write,
    update: write,
    delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
      rmSync(String(instance.inputs.path), { force: true });
      return Promise.resolve();
    },
  };
}
