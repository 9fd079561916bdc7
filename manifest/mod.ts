export { loadProject } from "./loader.ts";
export { displayPath, ManifestError, ManifestErrors } from "./errors.ts";
export { superviseSpec } from "./defaults.ts";
export type {
  AgentManifest,
  AgentProvider,
  AuthScheme,
  BackendName,
  BottleManifest,
  EgressRoute,
  EgressSpec,
  GitUpstream,
  GitUser,
  Project,
  RouteAuth,
  SecretSource,
  SourceLocation,
  SuperviseKind,
  SuperviseSpec,
} from "./types.ts";
