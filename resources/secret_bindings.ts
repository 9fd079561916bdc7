/**
 * The secrets of a bottle's credentialed routes as the graph records them: where each value
 * comes from and its keyed fingerprint, never the value.
 */

import { z } from "zod";
import { AUTH_SCHEMES } from "../manifest/schema.ts";
import type { BottleManifest, EgressRoute, RouteAuth, SecretSource } from "../manifest/types.ts";
import { secretSourceSchema } from "./secret_source.ts";

/** A credentialed route's placeholder and the keyed fingerprint of its secret's value. */
export type DescribeSecret = (
  bottle: BottleManifest,
  route: EgressRoute & { auth: RouteAuth },
) => { placeholder: string; fingerprint: string };

/** The keyed fingerprint of a secret that is not a route's (a git upstream's credential). */
export type FingerprintSecret = (
  bottle: BottleManifest,
  secret: { label: string; source: SecretSource; read: (env: Record<string, string>) => string },
) => string;

/** An SSH upstream's pinned host keys, from the operator's known_hosts (see CompileOptions). */
export type HostKeys = (
  bottle: BottleManifest,
  upstream: { label: string; host: string },
) => string;

/** One injected secret as recorded in state: where it comes from, never its value. */
export const secretBindingSchema = z.object({
  host: z.string(),
  path_prefix: z.string().optional(),
  scheme: z.enum(AUTH_SCHEMES),
  header: z.string().optional(),
  source: secretSourceSchema,
  placeholder: z.string(),
  /** Keyed fingerprint of the value (see Fingerprinter): a rotated secret is an update. */
  fingerprint: z.string(),
});
export type SecretBinding = z.infer<typeof secretBindingSchema>;

/** The bindings of the bottle's credentialed routes, in route order. */
export function secretBindings(
  bottle: BottleManifest,
  describeSecret: DescribeSecret,
): SecretBinding[] {
  const bindings: SecretBinding[] = [];
  for (const route of bottle.egress.routes) {
    if (!route.auth) continue;
    const { placeholder, fingerprint } = describeSecret(bottle, { ...route, auth: route.auth });
    bindings.push({
      host: route.host,
      ...(route.path_prefix ? { path_prefix: route.path_prefix } : {}),
      scheme: route.auth.scheme,
      ...(route.auth.header ? { header: route.auth.header } : {}),
      source: route.auth.secret,
      placeholder,
      fingerprint,
    });
  }
  return bindings;
}

/** Where the agent finds each placeholder: `agent_env`, else the secret's own env name. */
export function placeholderEnv(
  bottle: BottleManifest,
  bindings: readonly SecretBinding[],
): Record<string, string> {
  const env: Record<string, string> = {};
  const routes = bottle.egress.routes.filter((route) => route.auth);
  routes.forEach((route, i) => {
    const name = route.auth?.agent_env ?? route.auth?.secret.env;
    if (name) env[name] = bindings[i].placeholder;
  });
  return env;
}
