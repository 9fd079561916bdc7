/**
 * Plan-time checks of what a bottle's frontmatter points at outside itself, so that apply does
 * not fail on them half-way: the backend must be one this build runs, and every
 * `upstream_ca_file` a bounded regular file holding a PEM certificate.
 */
import { BoundedReadError, readBoundedText } from "../lib/bounded_read.ts";
import { ManifestError } from "./errors.ts";
import { CA_FILE_LIMIT } from "./limits.ts";
import type { Locator } from "./positions.ts";
import type { RawBottle } from "./schema.ts";

/** `backend:` as written must be in `available` (when the caller knows what is available). */
export function checkBackend(
  file: string,
  raw: RawBottle,
  locate: Locator,
  available: readonly string[] | undefined,
): ManifestError[] {
  if (available === undefined || raw.backend === undefined) return [];
  if (available.includes(raw.backend)) return [];
  const { line, col } = locate(["backend"]);
  return [
    new ManifestError(
      file,
      line,
      col,
      `the \`${raw.backend}\` backend is not available in this build`,
      `use one of: ${available.map((name) => `\`${name}\``).join(", ")}`,
    ),
  ];
}

/** `~/` is the operator's home; the sidecar reads the same path at its start. */
export function checkCaFiles(
  file: string,
  raw: RawBottle,
  locate: Locator,
  home: string,
): ManifestError[] {
  const errors: ManifestError[] = [];
  (raw.egress?.routes ?? []).forEach((route, index) => {
    if (route.upstream_ca_file === undefined) return;
    const problem = caFileProblem(route.host, route.upstream_ca_file, home);
    if (problem === null) return;
    const { line, col } = locate(["egress", "routes", index, "upstream_ca_file"]);
    errors.push(new ManifestError(file, line, col, problem.message, problem.hint));
  });
  return errors;
}

function caFileProblem(
  host: string,
  written: string,
  home: string,
): { message: string; hint: string } | null {
  const path = written === "~" || written.startsWith("~/") ? `${home}${written.slice(1)}` : written;
  let text: string;
  try {
    text = readBoundedText(path, CA_FILE_LIMIT);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    return {
      message: `route ${host}: cannot read upstream_ca_file ${error.message}`,
      hint: `point it at a regular file of PEM certificates, at most ${CA_FILE_LIMIT} bytes`,
    };
  }
  if (text.includes("-----BEGIN CERTIFICATE-----")) return null;
  return {
    message: `route ${host}: upstream_ca_file ${path} holds no PEM certificate`,
    hint: "point it at the PEM file (`-----BEGIN CERTIFICATE-----`) of the upstream's CA",
  };
}
