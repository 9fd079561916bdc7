import { limits } from "./limits_schema.ts";
import { z } from "zod";
import { HostRuleError, type HostRuleList, parseHostRule } from "../lib/net/mod.ts";
import { DLP_RULE_IDS } from "./dlp_rule_ids.ts";
import { git } from "./git_schema.ts";
import { supervise } from "./supervise_schema.ts";
import { envName, fail, secretSource, strict, text } from "./schema_parts.ts";
import { didYouMean } from "./suggest.ts";
import type { AgentProvider, AuthScheme, BackendName } from "./types.ts";

export const BACKENDS = ["bwrap", "docker", "smolvm"] as const satisfies readonly BackendName[];
export const PROVIDERS = ["claude", "codex"] as const satisfies readonly AgentProvider[];
export const AUTH_SCHEMES = [
  "bearer",
  "x-api-key",
  "basic",
  "header",
] as const satisfies readonly AuthScheme[];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SECRET_SHAPED = /^(sk-|sk_|ghp_|gho_|ghs_|github_pat_|glpat-|xox[abposr]-|AKIA|AIza)/;

const envValue = z.string().superRefine((value, ctx) => {
  if (SECRET_SHAPED.test(value)) {
    fail(
      ctx,
      "this value looks like a secret written inline; the agent must not hold secrets",
      "give the secret to an egress route instead: `auth: {scheme: bearer, secret: {env: NAME}}`",
    );
  }
});

function hostRule(list: HostRuleList): z.ZodType<string> {
  return z.string().superRefine((rule, ctx) => {
    try {
      parseHostRule(rule, list);
    } catch (error) {
      if (!(error instanceof HostRuleError)) throw error;
      fail(ctx, error.message, error.hint);
    }
  });
}

const EXACT_HOST_HINT = "write one host, e.g. `api.example.com` (a port may follow: `:8443`)";

/** The canonical `host[:port]` of an exact host, or an error message. */
function canonicalExact(text: string, what: string): { host: string } | { error: string } {
  try {
    const rule = parseHostRule(text, "allow");
    if (rule.kind === "exact") {
      return { host: rule.port === null ? rule.host : `${rule.host}:${rule.port}` };
    }
    return { error: `${what} must be one exact host, not "${text}"` };
  } catch (error) {
    if (error instanceof HostRuleError) return { error: error.message };
    throw error;
  }
}

function exactHost(what: string): z.ZodType<string, string> {
  return z.string().transform((text, ctx) => {
    const result = canonicalExact(text, what);
    if ("host" in result) return result.host;
    fail(ctx, result.error, EXACT_HOST_HINT);
    return z.NEVER;
  });
}

const upstreamOrigin = z.string().transform((value, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const plain = url !== undefined && (url.protocol === "https:" || url.protocol === "http:") &&
    url.username === "" && url.password === "" && url.pathname === "/" && url.search === "" &&
    url.hash === "" && !value.endsWith("?") && !value.endsWith("#");
  if (url !== undefined && plain) return url.origin;
  fail(
    ctx,
    "`upstream` must be an http(s) origin with no path, query or credentials",
    "write e.g. `https://llm-gateway.example.com` or `http://10.0.0.5:8080`",
  );
  return z.NEVER;
});

const pathPrefix = z.string().superRefine((prefix, ctx) => {
  if (!prefix.startsWith("/")) {
    fail(ctx, `\`path_prefix\` must start with "/"`, "write e.g. `/v1/`");
  }
});

const headerName = z.string().superRefine((name, ctx) => {
  if (!HEADER_NAME.test(name)) {
    fail(ctx, `"${name}" is not a valid HTTP header name`, "write e.g. `X-Api-Token`");
  }
});

const routeAuth = strict({
  scheme: z.enum(AUTH_SCHEMES),
  header: headerName.optional(),
  secret: secretSource,
  agent_env: envName.optional(),
}).superRefine((auth, ctx) => {
  if (auth.scheme === "header" && auth.header === undefined) {
    fail(ctx, "scheme `header` needs a `header` name", "add e.g. `header: X-Api-Token`", {
      path: ["header"],
    });
  }
  if (auth.scheme !== "header" && auth.header !== undefined) {
    fail(
      ctx,
      `\`header\` is only used with scheme \`header\`, not \`${auth.scheme}\``,
      "remove `header`, or set `scheme: header`",
      { path: ["header"], at: "key" },
    );
  }
});

const PASSTHROUGH_CONFLICTS = ["auth", "path_prefix", "upstream", "upstream_ca_file"] as const;

const egressRoute = strict({
  host: exactHost("a route's `host`"),
  path_prefix: pathPrefix.optional(),
  auth: routeAuth.optional(),
  passthrough: z.boolean().default(false),
  upstream: upstreamOrigin.optional(),
  upstream_ca_file: text.optional(),
}).superRefine((route, ctx) => {
  if (!route.passthrough) return;
  for (const key of PASSTHROUGH_CONFLICTS) {
    if (route[key] === undefined) continue;
    fail(
      ctx,
      `a passthrough route cannot have \`${key}\`: the proxy does not open its TLS`,
      `remove \`${key}\`, or set \`passthrough: false\` so the proxy intercepts this host`,
      { path: [key], at: "key" },
    );
  }
});

const dlpRule = strict({
  action: z.enum(["block", "warn"]).optional(),
  exempt_hosts: z.array(hostRule("allow")).optional(),
});

const dlpRules = z.record(z.string().regex(/^[a-z0-9][a-z0-9:._-]*$/), dlpRule).superRefine(
  (rules, ctx) => {
    for (const id of Object.keys(rules)) {
      if (DLP_RULE_IDS.has(id)) continue;
      fail(
        ctx,
        `\`${id}\` is not a DLP rule${didYouMean(id, DLP_RULE_IDS)}`,
        "name a built-in format (e.g. `jwt`, `aws-access-key-id`) or a fail-closed rule " +
          "(`body-too-large`, `content-encoding-unknown`, `content-encoding-corrupt`, " +
          "`archive-unreadable`); the proxy's blocks name the rule that matched",
        { path: [id], at: "key" },
      );
    }
  },
);

const dlp = strict({
  max_body_bytes: z.number().int().positive().optional(),
  rules: dlpRules.optional(),
});

const egress = strict({
  allow: z.array(hostRule("allow")).default([]),
  deny: z.array(hostRule("deny")).default([]),
  routes: z.array(egressRoute).default([]),
  dlp: dlp.optional(),
}).superRefine((spec, ctx) => {
  const seen = new Set<string>();
  spec.routes.forEach((route, index) => {
    const key = `${route.host} ${route.path_prefix ?? ""}`;
    if (seen.has(key)) {
      fail(
        ctx,
        `duplicate route for \`${route.host}\`${route.path_prefix ? ` ${route.path_prefix}` : ""}`,
        "merge the two routes, or give them different `path_prefix` values",
        { path: ["routes", index] },
      );
    }
    seen.add(key);
  });
});

const gitIdentityPart = z.string().min(1).superRefine((value, ctx) => {
  const unsafe = [...value].some((c) => c.charCodeAt(0) < 0x20 || c === "\x7f" || "<>".includes(c));
  if (unsafe) {
    fail(ctx, "a git identity cannot hold control characters, `<` or `>`", "write one line");
  }
});

const gitUser = strict({
  name: gitIdentityPart.optional(),
  email: gitIdentityPart.optional(),
}).superRefine(
  (user, ctx) => {
    if (user.name === undefined && user.email === undefined) {
      fail(ctx, "`git_user` is empty", "give it `name:` and/or `email:`, or remove it");
    }
  },
);

/** Bottle frontmatter as written: top-level keys stay optional so `extends` can merge. */
export const bottleSchema = strict({
  backend: z.enum(BACKENDS).optional(),
  extends: text.optional(),
  env: z.record(envName, envValue).optional(),
  egress: egress.optional(),
  git: git.optional(),
  git_user: gitUser.optional(),
  supervise: supervise.optional(),
  limits: limits.optional(),
  workspace: text.optional(),
});

const MCP_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const mcpServer = strict({
  command: z.array(text).min(1).optional(),
  env: z.record(envName, envValue).optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
}).superRefine((server, ctx) => {
  if ((server.command === undefined) === (server.url === undefined)) {
    fail(
      ctx,
      "an MCP server needs exactly one of `command` (stdio) or `url` (HTTP)",
      "write `command: [node, /workspace/tools/server.js]` or `url: http://127.0.0.1:8080/mcp`",
    );
  }
  if (server.url !== undefined && server.env !== undefined) {
    fail(ctx, "`env` is only used with `command`", "remove `env`, or use `command`", {
      path: ["env"],
      at: "key",
    });
  }
});

const mcpServers = z.record(z.string(), mcpServer).superRefine((servers, ctx) => {
  for (const name of Object.keys(servers)) {
    if (!MCP_NAME.test(name)) {
      fail(
        ctx,
        `\`${name}\` is not a valid MCP server name`,
        "use letters, digits, `_` and `-` (e.g. `issue-tracker`)",
        { path: [name], at: "key" },
      );
    } else if (name === "supervise") {
      fail(
        ctx,
        "`supervise` is the name of the bottle's own supervise MCP server",
        "give this server another name; enable supervise with `supervise: {enabled: true}` " +
          "in the bottle",
        { path: [name], at: "key" },
      );
    }
  }
});

export const agentSchema = strict({
  provider: z.enum(PROVIDERS),
  bottle: text,
  skills: z.array(text).default([]),
  git_user: gitUser.optional(),
  mcp_servers: mcpServers.default({}),
  attach_command: z.array(text).min(1).optional(),
  run_command: z.array(text).min(1).optional().superRefine((argv, ctx) => {
    if (argv !== undefined && !argv.includes("{prompt}")) {
      fail(
        ctx,
        "`run_command` never receives the prompt",
        'add an argument that is exactly "{prompt}" (e.g. `[claude, -p, "{prompt}"]`)',
      );
    }
  }),
});

export type RawBottle = z.output<typeof bottleSchema>;
export type RawAgent = z.output<typeof agentSchema>;
