import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { ProviderContext } from "../engine/provider.ts";
import {
  defineResource,
  type Instance,
  type ObjectSchema,
  type Observation,
  type ResourceType,
} from "../engine/resource_type.ts";
import { sha256Hex } from "../lib/sha256.ts";

const outputs = z.object({ sha256: z.string() });
export type FileOutputs = z.infer<typeof outputs>;
type FileInstance<I> = Instance<I, FileOutputs>;

/** A file the engine renders from a resource's inputs (its path is `inputs.path`). */
export interface RenderedFile<I extends { path: string }> {
  type: string;
  inputs: ObjectSchema<I>;
  /** What the file is, for messages: e.g. `policy file`. */
  what: string;
  /** The file's exact text; throws (before anything is written) when the inputs are unusable. */
  render(ctx: ProviderContext, instance: FileInstance<I>): string;
  /** How the live file differs from what the inputs render, in words; [] when it matches. */
  drift(ctx: ProviderContext, instance: FileInstance<I>, text: string): string[];
  /** Runs after each write, e.g. a hot reload that must take effect before apply goes on. */
  afterWrite(ctx: ProviderContext, instance: FileInstance<I>, sha256: string): Promise<void>;
}

/**
 * A file type that is only ever replaced whole: written atomically (mode 0600), updated in
 * place, a loosened mode or an edit behind the engine's back is drift. Only for files in the
 * engine's own directories: it follows symlinks. A file in the agent's home goes through
 * confined_files.ts (see gitconfig.ts).
 */
export function defineFileResource<I extends { path: string }>(
  file: RenderedFile<I>,
): ResourceType<I, FileOutputs> {
  const write = async (ctx: ProviderContext, instance: FileInstance<I>): Promise<FileOutputs> => {
    const { path } = instance.inputs;
    const text = file.render(ctx, instance);
    writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    const sha256 = sha256Hex(text);
    await file.afterWrite(ctx, instance, sha256);
    return { sha256 };
  };
  return defineResource({
    type: file.type,
    inputs: file.inputs,
    outputs,
    replaceKeys: ["path"],
    repairsDriftInPlace: true,
    read(ctx, instance): Promise<Observation<FileOutputs>> {
      const { path } = instance.inputs;
      if (!existsSync(path)) {
        return Promise.resolve({
          status: "missing",
          reason: `${file.what} ${path} does not exist`,
        });
      }
      const text = readFileSync(path, "utf8");
      const drift = (statSync(path).mode & 0o077) !== 0 ? [`${path} is readable by others`] : [];
      drift.push(...file.drift(ctx, instance, text));
      return Promise.resolve({ status: "found", outputs: { sha256: sha256Hex(text) }, drift });
    },
    create: write,
    update: write,
    delete(_ctx, instance): Promise<void> {
      rmSync(instance.inputs.path, { force: true });
      return Promise.resolve();
    },
  });
}
