/**
 * Which IP addresses the proxy must not dial on behalf of a host name: everything that is
 * not plainly a public unicast address (loopback, private, link-local incl. cloud metadata,
 * CGNAT, multicast, unspecified and reserved ranges), in IPv4 and IPv6, including IPv4
 * embedded in IPv6 (mapped, translated, NAT64, 6to4).
 *
 * Documentation (TEST-NET) and benchmarking (198.18.0.0/15) ranges are deliberately not
 * refused: no internal service lives there, while registry mirrors and fake-IP DNS set-ups
 * do resolve public names into them, and refusing them would break those machines.
 */

export interface IpAddress {
  version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

interface Range {
  prefix: number[];
  bits: number;
  name: string;
  /** The range embeds an IPv4 address at this byte offset: judge that address instead. */
  embedsV4At?: number;
}

const V4_RANGES: Range[] = [
  { prefix: [0], bits: 8, name: "unspecified (0.0.0.0/8)" },
  { prefix: [10], bits: 8, name: "private (10.0.0.0/8)" },
  { prefix: [100, 64], bits: 10, name: "carrier-grade NAT (100.64.0.0/10)" },
  { prefix: [127], bits: 8, name: "loopback (127.0.0.0/8)" },
  { prefix: [169, 254], bits: 16, name: "link-local / cloud metadata (169.254.0.0/16)" },
  { prefix: [172, 16], bits: 12, name: "private (172.16.0.0/12)" },
  { prefix: [192, 0, 0], bits: 24, name: "IETF protocol assignments (192.0.0.0/24)" },
  { prefix: [192, 88, 99], bits: 24, name: "6to4 relay (192.88.99.0/24)" },
  { prefix: [192, 168], bits: 16, name: "private (192.168.0.0/16)" },
  { prefix: [224], bits: 4, name: "multicast (224.0.0.0/4)" },
  { prefix: [240], bits: 4, name: "reserved / broadcast (240.0.0.0/4)" },
];

const V6_RANGES: Range[] = [
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], bits: 128, name: "unspecified (::)" },
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], bits: 128, name: "loopback (::1)" },
  {
    prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff],
    bits: 96,
    name: "IPv4-mapped",
    embedsV4At: 12,
  },
  {
    prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0],
    bits: 96,
    name: "IPv4-translated",
    embedsV4At: 12,
  },
  {
    prefix: [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0],
    bits: 96,
    name: "NAT64",
    embedsV4At: 12,
  },
  { prefix: [0, 0x64, 0xff, 0x9b, 0, 1], bits: 48, name: "local-use NAT64 (64:ff9b:1::/48)" },
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], bits: 96, name: "IPv4-compatible (::/96)" },
  { prefix: [1, 0, 0, 0, 0, 0, 0, 0], bits: 64, name: "discard (100::/64)" },
  { prefix: [0x20, 0x01, 0], bits: 23, name: "IETF protocol assignments / Teredo (2001::/23)" },
  { prefix: [0x20, 0x02], bits: 16, name: "6to4", embedsV4At: 2 },
  { prefix: [0xfc], bits: 7, name: "unique local (fc00::/7)" },
  { prefix: [0xfe, 0x80], bits: 10, name: "link-local (fe80::/10)" },
  { prefix: [0xfe, 0xc0], bits: 10, name: "site-local (fec0::/10)" },
  { prefix: [0xff], bits: 8, name: "multicast (ff00::/8)" },
];

/** Parses `1.2.3.4`, `::1` or `[::1]` (strict dotted-decimal IPv4); null otherwise. */
export function parseIp(text: string): IpAddress | null {
  const inner = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const v4 = parseIpv4(inner);
  if (v4 !== null) return { version: 4, bytes: v4 };
  const v6 = parseIpv6(inner);
  return v6 === null ? null : { version: 6, bytes: v6 };
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^(0|[1-9]\d{0,2})$/.test(parts[i])) return null;
    const value = Number(parts[i]);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? halves[1].split(":") : [];
  const groups: number[] = [];
  const parseGroups = (parts: string[], allowV4Last: boolean): number[] | null => {
    const out: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (allowV4Last && i === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part);
        if (v4 === null) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const headGroups = parseGroups(head, halves.length === 1);
  const tailGroups = parseGroups(tail, true);
  if (headGroups === null || tailGroups === null) return null;
  if (halves.length === 1) {
    if (headGroups.length !== 8) return null;
    groups.push(...headGroups);
  } else {
    const missing = 8 - headGroups.length - tailGroups.length;
    if (missing < 1) return null;
    groups.push(...headGroups, ...new Array<number>(missing).fill(0), ...tailGroups);
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

function inRange(bytes: Uint8Array, range: Range): boolean {
  for (let bit = 0; bit < range.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((bytes[byte] & mask) !== ((range.prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * The name of the non-public range `address` falls in, or null for a public unicast
 * address. Anything unparseable (including IPv6 zone ids such as `fe80::1%eth0`) is
 * reported as non-public.
 */
export function nonPublicRange(address: string): string | null {
  const ip = parseIp(address);
  if (ip === null) return "not a plain IP address";
  return rangeOf(ip);
}

function rangeOf(ip: IpAddress): string | null {
  const ranges = ip.version === 4 ? V4_RANGES : V6_RANGES;
  for (const range of ranges) {
    if (!inRange(ip.bytes, range)) continue;
    if (range.embedsV4At === undefined) return range.name;
    const embedded = ip.bytes.slice(range.embedsV4At, range.embedsV4At + 4);
    const inner = rangeOf({ version: 4, bytes: embedded });
    return inner === null ? null : `${range.name} ${inner}`;
  }
  return null;
}

/** True for 127.0.0.0/8 and ::1 only (not IPv4-mapped forms). */
export function isLoopback(address: string): boolean {
  const ip = parseIp(address);
  if (ip === null) return false;
  if (ip.version === 4) return ip.bytes[0] === 127;
  return ip.bytes.every((byte, i) => byte === (i === 15 ? 1 : 0));
}
