/**
 * One request's path through the proxy, the same for plain HTTP on the proxy socket and for
 * requests read from an intercepted tunnel. serve.ts reads the heads off a client connection;
 * exchange.ts takes each request through target.ts (where it goes), the policy's verdict,
 * route_plan.ts (route, placeholders, DLP on URL and headers, the credential: inject.ts),
 * origin.ts (the upstream connection), request_body.ts (the body through the checks) and
 * response.ts (the answer, redacted by redact.ts when the bottle has secrets). context.ts is
 * what every connection handler shares.
 */
export type {
  GrantedTunnel,
  ProxyConfig,
  ProxyContext,
  ProxyTimeouts,
  TunnelWatch,
} from "./context.ts";
export { type ConnectionHooks, serveConnection } from "./serve.ts";
export type { RequestSource } from "./target.ts";
