import type { ExecOptions, SandboxSpec } from "../backend.ts";
import { SANDBOX } from "./layout.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_TERM = "xterm-256color";

/**
 * The sandbox's whole environment: defaults, then the spec's env (which may override them),
 * then what the sandbox layout fixes (HOME, USER, LOGNAME). Nothing comes from the host.
 */
export function sandboxEnv(spec: SandboxSpec): Record<string, string> {
  const defaults: Record<string, string> = {
    PATH: SANDBOX.path,
    NO_PROXY: "localhost,127.0.0.1",
    no_proxy: "localhost,127.0.0.1",
  };
  const egress = spec.services.find((service) => service.name === "egress");
  if (egress) {
    const proxy = `http://127.0.0.1:${egress.port}`;
    for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) {
      defaults[name] = proxy;
    }
  }
  if (spec.trustDir) Object.assign(defaults, trustEnv());
  const path = [...(spec.extraPath ?? []), spec.env.PATH ?? SANDBOX.path].join(":");
  return checkedEnv({
    ...defaults,
    ...spec.env,
    PATH: path,
    HOME: SANDBOX.home,
    USER: SANDBOX.user,
    LOGNAME: SANDBOX.user,
  });
}

/** Variables that make node, curl, Python, git, Deno and OpenSSL trust the bottle's CA. */
function trustEnv(): Record<string, string> {
  const bundle = `${SANDBOX.trust}/ca-bundle.crt`;
  return {
    SSL_CERT_FILE: bundle,
    CURL_CA_BUNDLE: bundle,
    REQUESTS_CA_BUNDLE: bundle,
    GIT_SSL_CAINFO: bundle,
    DENO_CERT: bundle,
    NODE_EXTRA_CA_CERTS: `${SANDBOX.trust}/bottle-ca.crt`,
  };
}

/** The environment of one exec: the sandbox's, the call's on top, and TERM for a terminal. */
export function execEnv(spec: SandboxSpec, options: ExecOptions): Record<string, string> {
  const env = { ...sandboxEnv(spec), ...options.env };
  if (options.tty && env.TERM === undefined) env.TERM = DEFAULT_TERM;
  return checkedEnv(env);
}

/** Rejects names a shell or `execve` cannot carry faithfully. */
export function checkedEnv(env: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(env)) {
    if (!NAME.test(name)) throw new Error(`invalid environment variable name "${name}"`);
    if (typeof value !== "string" || value.includes("\0")) {
      throw new Error(`environment variable ${name} must be a string without NUL bytes`);
    }
  }
  return env;
}
