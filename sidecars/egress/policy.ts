import type { EgressRoute } from "../../manifest/types.ts";

/**
 * The egress proxy's policy file (`policy.json` in the bottle directory). The proxy reads
 * it at start and again on SIGHUP; an invalid file leaves the previous policy in force.
 */
export interface EgressPolicy {
  version: 1;
  bottle: string;
  allow: string[];
  deny: string[];
  routes: EgressRoute[];
}
