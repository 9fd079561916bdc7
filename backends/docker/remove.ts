/**
 * Removing one of bot-bottle's Docker objects by reference, for `bottle cleanup`: a container
 * (killed when running), an image (by its tags, or by id when it has none; never forced, so
 * Docker refuses one a container still uses), a volume, a network. One that is already gone is
 * no error.
 */
import { DockerError, dockerOutput, isNoSuchObject } from "./cli.ts";
import { removeContainers } from "./backend.ts";

export type RemovableObject =
  | { kind: "container"; id: string }
  | { kind: "image"; id: string; tags: string[] }
  | { kind: "volume"; name: string }
  | { kind: "network"; id: string };

export async function removeDockerObject(object: RemovableObject): Promise<void> {
  if (object.kind === "container") return await removeContainers([object.id]);
  const args = object.kind === "image"
    ? ["image", "rm", ...(object.tags.length > 0 ? object.tags : [object.id])]
    : object.kind === "volume"
    ? ["volume", "rm", object.name]
    : ["network", "rm", object.id];
  const result = await dockerOutput(args);
  if (result.code === 0) return;
  // One line per reference that failed: only those that are gone already are fine.
  const failures = result.stderr.split("\n").filter((line) =>
    line.trim() !== "" && !isNoSuchObject({ ...result, stderr: line })
  );
  if (failures.length === 0) return;
  throw new DockerError(`docker ${args.join(" ")}: ${failures.join("; ")}`, result);
}
