/**
 * Benign requests: what a coding agent's bottle really sends. Package managers (npm, pip,
 * cargo, go) and their lockfiles, git smart HTTP with pack data, model API requests (the
 * Anthropic messages and OpenAI responses shapes) carrying images and tool output (source
 * files, `env` with the bottle's placeholders), presigned downloads, documentation
 * placeholders, public keys and DSNs, Kubernetes and CI manifests that name secrets without
 * holding any, URLs with users and ports. None may be blocked. Pure.
 */
import type { Rng } from "../random.ts";
import type { CorpusCase, Transport, WireRequest } from "./wire.ts";
import { everydayCases } from "./benign/everyday.ts";
import { gitCases } from "./benign/git.ts";
import { manifestCases } from "./benign/manifests.ts";
import { modelRequestCases } from "./benign/model_requests.ts";
import { packageCases } from "./benign/packages.ts";
import { publicValueCases, userinfoUrlCases } from "./benign/public_values.ts";

/** Routes that inject a credential: the agent holds their placeholders, HTTPS only. */
export const CREDENTIALED_ROUTES = [
  { host: "api.anthropic.com", scheme: "x-api-key" },
  { host: "api.openai.com", scheme: "bearer" },
  { host: "api.github.com", scheme: "bearer" },
] as const;

export interface BenignContext {
  /** The placeholder the agent holds, per credentialed route host. */
  placeholders: Record<string, string>;
}

export function benignCases(r: Rng, context: BenignContext): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (
    family: string,
    name: string,
    host: string,
    request: WireRequest,
    transports?: readonly Transport[],
  ): void => {
    cases.push({
      group: "benign",
      family,
      name,
      host,
      requests: [request],
      secrets: [],
      ...(transports ? { transports } : {}),
    });
  };
  const ph = context.placeholders;
  // One family after another, in this order: the cases draw from one random stream.
  packageCases(r, add, ph);
  gitCases(r, add);
  modelRequestCases(r, add, ph);
  publicValueCases(r, add);
  manifestCases(r, add, ph);
  userinfoUrlCases(r, add);
  everydayCases(r, add, ph);
  return cases;
}
