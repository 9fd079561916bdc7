/** Distinguished names for the certificates the proxy makes. */

import { x509 } from "./x509.ts";

/**
 * A distinguished name from literal values: the attribute-object form is never parsed as
 * DN text, so commas or quotes in a bottle name cannot change the name's structure.
 */
export function literalName(attributes: Array<[type: string, value: string]>): x509.Name {
  return new x509.Name(attributes.map(([type, value]) => ({ [type]: [{ utf8String: value }] })));
}
