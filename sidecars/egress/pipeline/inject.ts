/** Credential injection: the route's auth header is replaced by the real credential. Pure. */

import { Buffer } from "node:buffer";
import type { HeaderField } from "../http/mod.ts";
import type { CompiledSecret } from "../secrets/mod.ts";

/** `headers` without the header `secret` travels in (whatever the agent put there). */
export function withoutAuthHeader(headers: HeaderField[], secret: CompiledSecret): HeaderField[] {
  const name = secret.header.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() !== name);
}

/** The header carrying the real credential, per scheme. */
export function credentialHeader(secret: CompiledSecret): HeaderField {
  switch (secret.scheme) {
    case "bearer":
      return { name: "Authorization", value: `Bearer ${secret.value}` };
    case "basic":
      return {
        name: "Authorization",
        value: `Basic ${Buffer.from(secret.value, "latin1").toString("base64")}`,
      };
    case "x-api-key":
      return { name: "x-api-key", value: secret.value };
    case "header":
      return { name: secret.header, value: secret.value };
  }
}
