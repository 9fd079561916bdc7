/** Show: the resources recorded for the session's project, inputs and outputs. */
import type { ResourceRecord } from "../engine/state.ts";
import { assertProjectExists, type Session } from "./session.ts";

export interface RecordedResources {
  project: string;
  /** State holds no secret values: secrets appear only as fingerprints. */
  resources: ResourceRecord[];
}

/** The project's records; a UserError when its directory is gone and nothing is recorded. */
export function recordedResources(session: Session): RecordedResources {
  assertProjectExists(session);
  return { project: session.project, resources: session.store.forProject(session.project) };
}
