/** One image as `docker image inspect` sees it: its id and labels, or null when there is none. */
import { z } from "zod";
import { DockerError, dockerOutput, isNoSuchObject } from "./cli.ts";

export interface ImageFacts {
  /** `sha256:…`. */
  id: string;
  labels: Record<string, string>;
}

const inspected = z.object({
  Id: z.string(),
  Config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).nullish(),
});

export async function inspectImage(reference: string): Promise<ImageFacts | null> {
  // Without --format both Docker and Podman print an array (Podman's `{{json .}}` does too).
  const result = await dockerOutput(["image", "inspect", reference]);
  if (result.code !== 0) {
    if (isNoSuchObject(result)) return null;
    throw new DockerError(`docker image inspect ${reference}: ${result.stderr.trim()}`, result);
  }
  const [image] = z.array(inspected).length(1).parse(JSON.parse(result.stdout));
  return { id: image.Id, labels: image.Config?.Labels ?? {} };
}
