/** `multipart/*` bodies: parts with their headers, transfer encodings decoded. */
import { decodeBase64 } from "./checksum.ts";
import type { DlpHeader } from "./types.ts";

export interface MultipartPart {
  headers: DlpHeader[];
  /** The part's content with its Content-Transfer-Encoding (base64, quoted-printable) undone. */
  content: string;
  contentType: string | null;
  /** True when the content differs from the bytes on the wire. */
  transferDecoded: boolean;
}

/** The `boundary` parameter of a multipart content type, or null. */
export function multipartBoundary(contentType: string): string | null {
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;]{1,200}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

function parseHeaders(block: string): DlpHeader[] {
  return block.split(/\r?\n/).filter((l) => l.includes(":")).map((line) => {
    const colon = line.indexOf(":");
    return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
  });
}

function quotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, "").replace(
    /=([0-9A-Fa-f]{2})/g,
    (_, hex: string) => String.fromCharCode(parseInt(hex, 16)),
  );
}

function header(headers: DlpHeader[], name: string): string | null {
  return headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
}

export function parseMultipart(body: string, boundary: string): MultipartPart[] {
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter).slice(1);
  const parts: MultipartPart[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith("--")) break;
    const raw = chunk.replace(/^[ \t]*\r?\n/, "").replace(/\r?\n$/, "");
    const split = /\r?\n\r?\n/.exec(raw);
    const headers = parseHeaders(split ? raw.slice(0, split.index) : "");
    const content = split ? raw.slice(split.index + split[0].length) : raw;
    const encoding = (header(headers, "content-transfer-encoding") ?? "").toLowerCase();
    let decoded = content;
    if (encoding === "base64") decoded = decodeBase64(content.replace(/\s+/g, "")) ?? content;
    else if (encoding === "quoted-printable") decoded = quotedPrintable(content);
    parts.push({
      headers,
      content: decoded,
      contentType: header(headers, "content-type"),
      transferDecoded: decoded !== content,
    });
  }
  return parts;
}
