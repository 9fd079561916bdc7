/**
 * TOML (v1.0) for the engine's config files: `renderToml` writes a table (Codex's
 * config.toml, resources/codex_config.ts), `parseToml` reads one back (smol-toml).
 *
 * The writer is our own, not smol-toml's `stringify`, on purpose: the file's text is part of
 * `agent_home`'s recorded inputs, so any change to it is a planned `~ agent_home` update on
 * existing bottles. smol-toml writes the same documents but spaces arrays differently
 * (`args = [ "a" ]` for `args = ["a"]`), and a Codex agent's stdio MCP server has `args`.
 */
import { parse } from "smol-toml";

/** A TOML document as plain data: a key's value is a scalar, an array, or a nested table. */
export type TomlScalar = string | number | boolean;
export type TomlValue = TomlScalar | TomlScalar[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** A TOML document as plain data: objects with the usual prototype, dates as smol-toml's. */
export function parseToml(text: string): Record<string, unknown> {
  return plain(parse(text)) as Record<string, unknown>;
}

/** smol-toml's tables have no prototype; ours do (so they compare and print as usual). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== null) {
    return value;
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
}

/**
 * Renders a table as TOML (v1.0): each table's own keys, then its sub-tables as `[a.b]`
 * sections. A table with no keys of its own is written only when it is empty (so it exists).
 */
export function renderToml(table: TomlTable): string {
  return renderSection([], table).join("\n") + "\n";
}

function renderSection(path: string[], table: TomlTable): string[] {
  const entries = Object.entries(table);
  const own = entries.filter((entry): entry is [string, TomlScalar | TomlScalar[]] =>
    !isTable(entry[1])
  );
  const subtables = entries.filter((entry): entry is [string, TomlTable] => isTable(entry[1]));
  const lines: string[] = [];
  if (path.length > 0 && (own.length > 0 || subtables.length === 0)) {
    lines.push(`[${path.map(tomlKey).join(".")}]`);
  }
  for (const [key, value] of own) lines.push(`${tomlKey(key)} = ${tomlValue(value)}`);
  for (const [key, value] of subtables) {
    const section = renderSection([...path, key], value);
    if (lines.length > 0 && section.length > 0) lines.push("");
    lines.push(...section);
  }
  return lines;
}

/** A key: bare when it may be (`A-Za-z0-9_-`), else a quoted string. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

/** A basic string with every character TOML requires escaped. */
export function tomlString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char in SHORT_ESCAPES) out += SHORT_ESCAPES[char];
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

function tomlValue(value: TomlScalar | TomlScalar[]): string {
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`;
  if (typeof value === "string") return tomlString(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`TOML: ${value} is not a finite number`);
    return String(value);
  }
  return String(value);
}

function isTable(value: TomlValue): value is TomlTable {
  return typeof value === "object" && !Array.isArray(value);
}
