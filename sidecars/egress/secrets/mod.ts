/**
 * The bottle's injected secrets: the secrets file's format (wire.ts) and reading it
 * (file.ts), the compiled table the pipeline asks (table.ts), and every wire form of a real
 * value or placeholder as needles to find or replace in a stream (encodings.ts, needles.ts).
 */
export { type LoadedSecrets, loadSecretsFile } from "./file.ts";
export { findIn, type Needle, replaceAll, StreamDetector, StreamReplacer } from "./needles.ts";
export {
  type CompiledSecret,
  compileSecrets,
  EMPTY_SECRETS,
  SecretsError,
  type SecretTable,
} from "./table.ts";
export type { InjectedSecret, SecretsFile } from "./wire.ts";
