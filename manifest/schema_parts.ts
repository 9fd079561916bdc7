/** The building blocks of the manifest schemas: located custom issues, strict objects, secret sources. */
import { z } from "zod";

/** Extra data on a custom issue: the hint to show, and whether it points at the key. */
export interface IssueParams {
  hint: string;
  at?: "key";
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_HINT = "write `{env: NAME}` (a variable of the operator running apply) or " +
  "`{file: PATH}`; the real value stays outside the manifest";

export function fail(
  ctx: z.RefinementCtx,
  message: string,
  hint: string,
  options: { path?: (string | number)[]; at?: "key" } = {},
): void {
  const params: IssueParams = options.at ? { hint, at: options.at } : { hint };
  ctx.addIssue({ code: "custom", message, params, path: options.path ?? [] });
}

export function strict<T extends z.core.$ZodLooseShape>(shape: T): z.ZodObject<T, z.core.$strict> {
  const valid = Object.keys(shape).map((key) => `\`${key}\``).join(", ");
  return z.strictObject(shape, {
    error: (issue) => issue.code === "unrecognized_keys" ? `valid keys: ${valid}` : undefined,
  });
}

export const text = z.string().min(1);

export const envName = z.string().superRefine((name, ctx) => {
  if (!ENV_NAME.test(name)) {
    fail(
      ctx,
      `\`${name}\` is not a valid environment variable name`,
      "use letters, digits and `_`, not starting with a digit (e.g. `MY_VAR`)",
    );
  }
});

const secretObject = strict({ env: envName.optional(), file: text.optional() }).superRefine(
  (secret, ctx) => {
    if ((secret.env === undefined) === (secret.file === undefined)) {
      fail(ctx, "a secret source needs exactly one of `env` or `file`", SECRET_HINT);
    }
  },
);

export const secretSource = z.preprocess((value, ctx) => {
  if (typeof value === "string" || typeof value === "number") {
    fail(ctx, "secrets must never be written inline in a manifest", SECRET_HINT);
  }
  return value;
}, secretObject);
