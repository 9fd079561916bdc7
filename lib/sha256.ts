/** SHA-256, the one way: synchronous (node:crypto), lower-case hex. */
import { createHash } from "node:crypto";

/** The digest of a string's UTF-8 bytes, or of the bytes given. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
