/**
 * The lines of an OpenSSH known_hosts file that name a host, as `ssh-keygen -F` finds them:
 * plain patterns (comma lists, `*` and `?` wildcards, `!` negation) and hashed entries
 * (`|1|salt|hash`, HMAC-SHA1 of the name keyed by the salt). Pure but for the HMAC.
 */
import { createHmac } from "node:crypto";

/** `host`, or `[host]:port` off port 22: how known_hosts names an SSH server. */
export function knownHostsName(host: string, port: number | undefined): string {
  return port === undefined || port === 22 ? host : `[${host}]:${port}`;
}

/** The lines naming `name` (markers such as `@revoked` kept), in file order. */
export function knownHostsFor(text: string, name: string): string[] {
  return text.split("\n").map((line) => line.trim()).filter((line) => {
    if (line === "" || line.startsWith("#")) return false;
    const fields = line.split(/\s+/);
    const patterns = fields[0].startsWith("@") ? fields[1] : fields[0];
    return patterns !== undefined && namesHost(patterns, name);
  });
}

function namesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith("|1|")) return hashedMatches(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(",")) {
    const negated = pattern.startsWith("!");
    if (!globMatches(negated ? pattern.slice(1) : pattern, name.toLowerCase())) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedMatches(entry: string, name: string): boolean {
  const [, , salt, hash] = entry.split("|");
  if (salt === undefined || hash === undefined) return false;
  const mac = createHmac("sha1", Uint8Array.fromBase64(salt)).update(name).digest("base64");
  return mac === hash;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(name);
}
