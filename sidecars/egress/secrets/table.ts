/**
 * The secrets file, validated into what the pipeline needs: which secret a route injects,
 * and every real value and placeholder to watch for. Pure.
 */

import { encodedNeedles } from "./encodings.ts";
import { canonicalHost } from "../../../lib/net/mod.ts";
import type { Needle } from "./needles.ts";
import { routeId } from "../policy/mod.ts";
import type { InjectedSecret, SecretsFile } from "./wire.ts";

export interface CompiledSecret {
  /** Route id (`host` + path prefix): what reasons and audit lines name. */
  id: string;
  host: string;
  pathPrefix: string;
  scheme: InjectedSecret["scheme"];
  /** The header the credential travels in (`Authorization`, `x-api-key`, or the custom one). */
  header: string;
  value: string;
  placeholder: string;
}

export interface SecretTable {
  secrets: readonly CompiledSecret[];
  /** The secret injected on the route with this id, if any. */
  forRoute(id: string): CompiledSecret | undefined;
  /** Every placeholder in every wire form (labelled with the route id). */
  placeholderNeedles: readonly Needle[];
  /** Every real value in every wire form, replaced by its placeholder in the same form. */
  valueNeedles: readonly Needle[];
}

export class SecretsError extends Error {
  override name = "SecretsError";
}

export const EMPTY_SECRETS: SecretTable = {
  secrets: [],
  forRoute: () => undefined,
  placeholderNeedles: [],
  valueNeedles: [],
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII and spaces: a value that can go into a header unchanged. */
const HEADER_SAFE = /^[\x20-\x7e]+$/;
const MIN_PLACEHOLDER = 8;

/** Validates a parsed secrets file (untrusted) for `bottle`. Messages never hold values. */
export function compileSecrets(raw: unknown, bottle: string): SecretTable {
  const problems: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SecretsError("invalid secrets file: expected a JSON object");
  }
  const file = raw as Partial<Record<keyof SecretsFile, unknown>>;
  if (file.version !== 1) problems.push("version must be 1");
  if (file.bottle !== bottle) problems.push(`bottle must be "${bottle}"`);
  if (!Array.isArray(file.secrets)) problems.push("secrets must be an array");
  const secrets: CompiledSecret[] = [];
  const ids = new Set<string>();
  (Array.isArray(file.secrets) ? file.secrets : []).forEach((item: unknown, index) => {
    const where = `secrets[${index}]`;
    const secret = compileOne(item, where, problems);
    if (secret === null) return;
    if (ids.has(secret.id)) problems.push(`${where}: a second secret for route ${secret.id}`);
    ids.add(secret.id);
    secrets.push(secret);
  });
  for (const a of secrets) {
    for (const b of secrets) {
      if (a !== b && (b.value.includes(a.placeholder) || a.placeholder.includes(b.value))) {
        problems.push(`the placeholder of route ${a.id} overlaps a real value`);
      }
    }
  }
  if (problems.length > 0) {
    throw new SecretsError(`invalid secrets file: ${[...new Set(problems)].join("; ")}`);
  }
  const byId = new Map(secrets.map((s) => [s.id, s]));
  return {
    secrets,
    forRoute: (id) => byId.get(id),
    placeholderNeedles: secrets.flatMap((s) => encodedNeedles(s.placeholder, s.placeholder, s.id)),
    valueNeedles: secrets.flatMap((s) => encodedNeedles(s.value, s.placeholder, s.id)),
  };
}

function compileOne(item: unknown, where: string, problems: string[]): CompiledSecret | null {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    problems.push(`${where} must be an object`);
    return null;
  }
  const s = item as Partial<Record<keyof InjectedSecret, unknown>>;
  const before = problems.length;
  const host = typeof s.host === "string" ? canonicalHost(s.host) : null;
  if (host === null) problems.push(`${where}.host must be a valid host`);
  const pathPrefix = s.path_prefix ?? "";
  if (typeof pathPrefix !== "string" || (pathPrefix !== "" && !pathPrefix.startsWith("/"))) {
    problems.push(`${where}.path_prefix must start with "/"`);
  }
  let header = "";
  switch (s.scheme) {
    case "bearer":
    case "basic":
      header = "Authorization";
      break;
    case "x-api-key":
      header = "x-api-key";
      break;
    case "header":
      if (typeof s.header !== "string" || !TOKEN.test(s.header)) {
        problems.push(`${where}.header must be a header name for scheme "header"`);
      } else if (/^(host|content-length|transfer-encoding|connection)$/i.test(s.header)) {
        problems.push(`${where}.header may not be ${s.header}`);
      } else {
        header = s.header;
      }
      break;
    default:
      problems.push(`${where}.scheme must be bearer, x-api-key, basic or header`);
  }
  if (typeof s.value !== "string" || !HEADER_SAFE.test(s.value)) {
    problems.push(`${where}.value must be a non-empty string of printable ASCII`);
  }
  if (
    typeof s.placeholder !== "string" || !HEADER_SAFE.test(s.placeholder) ||
    s.placeholder.length < MIN_PLACEHOLDER
  ) {
    problems.push(
      `${where}.placeholder must be printable ASCII of at least ${MIN_PLACEHOLDER} characters`,
    );
  } else if (typeof s.value === "string" && s.placeholder === s.value) {
    problems.push(`${where}.placeholder must differ from the value`);
  }
  if (problems.length > before) return null;
  return {
    id: routeId(host as string, pathPrefix as string),
    host: host as string,
    pathPrefix: pathPrefix as string,
    scheme: s.scheme as InjectedSecret["scheme"],
    header,
    value: s.value as string,
    placeholder: s.placeholder as string,
  };
}
