/**
 * Positives under a trick: the secret encoded (base64 at every alignment, base64url, hex,
 * base32, UTF-16, reversed, lower-cased), packed (zip, tar.gz, a .gz file, gzip then
 * base64, base64 twice), split (across JSON fields, across two requests), or written in a
 * form a naive scanner skips (connection strings, a bare Mailgun key, a header name, an AWS
 * key pair inside base64 JSON). Each case names its family; the test reports a catch rate
 * per family. Pure.
 */
import type { Rng } from "../random.ts";
import { archiveEvasions } from "./evasions/archives.ts";
import { deliveryEvasions } from "./evasions/delivery.ts";
import { encodingEvasions, layeredEvasions } from "./evasions/encodings.ts";
import { shapeEvasions } from "./evasions/shapes.ts";
import { splitEvasions } from "./evasions/splits.ts";
import { type CorpusCase, EXFIL_HOST, type WireRequest } from "./wire.ts";
import type { EvasionContext } from "./evasions/common.ts";

export type { EvasionContext } from "./evasions/common.ts";

export function evasionCases(r: Rng, context: EvasionContext): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (
    family: string,
    name: string,
    requests: WireRequest[],
    secrets: string[],
    extra: Partial<CorpusCase> = {},
  ): void => {
    cases.push({ group: "evasion", family, name, host: EXFIL_HOST, requests, secrets, ...extra });
  };

  // One family after another, in this order: the cases draw from one random stream.
  encodingEvasions(r, add);
  archiveEvasions(r, add);
  splitEvasions(r, add, context);
  layeredEvasions(r, add);
  deliveryEvasions(r, add, (c) => cases.push(c), context);
  shapeEvasions(r, add);
  return cases;
}
