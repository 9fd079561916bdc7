/**
 * Typed values as the JSON data that state rows, plan files and graph nodes hold, and the
 * schema pieces resource types describe their inputs with.
 */

import { z } from "zod";
import type { JsonObject, JsonValue } from "../lib/json.ts";

/** Any JSON object (e.g. a CLI's settings the engine merges and never interprets). */
export const jsonObjectSchema: z.ZodType<JsonObject> = z.record(z.string(), z.json());

/**
 * `value` as JSON data, as state stores it: object keys whose value is `undefined` are left
 * out (JSON.stringify drops them too). Anything JSON cannot hold exactly (a function, a
 * bigint, NaN, a class instance, a hole in an array) is an error naming `where`.
 */
export function jsonObjectOf(value: object, where: string): JsonObject {
  const json = jsonValueOf(value, where);
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new TypeError(`${where} is not a JSON object`);
  }
  return json;
}

function jsonValueOf(value: unknown, where: string): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    throw new TypeError(`${where} is ${value}, which JSON cannot hold`);
  }
  if (Array.isArray(value)) {
    return Array.from(value, (item: unknown, i: number) => jsonValueOf(item, `${where}[${i}]`));
  }
  if (typeof value === "object" && isPlainObject(value)) {
    const json: JsonObject = {};
    for (const key of Object.keys(value)) {
      const item: unknown = Reflect.get(value, key);
      if (item !== undefined) json[key] = jsonValueOf(item, `${where}.${key}`);
    }
    return json;
  }
  throw new TypeError(`${where} is not JSON data (${typeof value})`);
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Compile-time proof that a schema describes an interface declared elsewhere: the types are
 * assignable both ways and have the same keys, so parsing never drops a field the interface
 * has (a new field there fails `deno check` until the schema has it too). One level deep:
 * prove nested object schemas separately.
 *
 *     const _same: SameShape<z.infer<typeof handleSchema>, SandboxHandle> = true;
 */
export type SameShape<A, B> = [A] extends [B]
  ? [B] extends [A] ? [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true
    : false
  : false
  : false;
