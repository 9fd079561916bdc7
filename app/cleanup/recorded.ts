/** The recorded bottles as cleanup compares them with what runs (pure). */
import { containerNames } from "../../backends/docker/names.ts";
import type { ResourceRecord } from "../../engine/state.ts";
import { parseSandboxRecord } from "../../resources/sandbox_record.ts";
import { backendOf, SANDBOX_TYPE } from "../backends.ts";
import type { RecordedBottle } from "./types.ts";

const IMAGE_TYPE = "docker_image";

export function recordedBottles(records: readonly ResourceRecord[]): RecordedBottle[] {
  const names = [...new Set(records.map((record) => record.bottle))].sort();
  return names.map((bottle) => {
    const own = records.filter((record) => record.bottle === bottle);
    const sandbox = own.find((record) => record.type === SANDBOX_TYPE);
    const imageRows = own.filter((record) => record.type === IMAGE_TYPE);
    const images = [
      ...imageRows.flatMap((record) => [record.inputs.tag, record.outputs?.id]),
      sandbox?.inputs.image,
    ].filter((value): value is string => typeof value === "string");
    return {
      bottle,
      ids: own.map((record) => record.id),
      containers: sandbox ? containersOf(sandbox) : [],
      images: [...new Set(images)],
      docker: (sandbox !== undefined && backendOf(sandbox) === "docker") || imageRows.length > 0,
    };
  });
}

function containersOf(sandbox: ResourceRecord): string[] | null {
  if (backendOf(sandbox) !== "docker") return [];
  try {
    const { spec, handle } = parseSandboxRecord(sandbox);
    const named = spec.owner ? containerNames(spec.bottle, spec.owner) : null;
    return [
      ...new Set([
        ...(handle?.containers ? [handle.containers.agent, handle.containers.door] : []),
        ...(named ? [named.agent, named.door] : []),
      ]),
    ];
  } catch {
    return null;
  }
}
