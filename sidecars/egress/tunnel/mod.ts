/**
 * CONNECT: decided, looked up and checked before any 200 (connect.ts), then relayed
 * untouched (relay.ts) or intercepted (intercept.ts: the client's TLS terminated with a leaf
 * for the host, the requests inside served by the pipeline). Relayed tunnels opened under a
 * supervise grant end with it (granted.ts). intercept.ts, and node:tls with it, load on
 * first use.
 */
export { handleConnect } from "./connect.ts";
export { GrantedTunnels } from "./granted.ts";

/** Loads what interception needs now (intercept.ts, node:tls); rejects when it cannot. */
export async function loadInterception(): Promise<void> {
  await import("./intercept.ts");
}
