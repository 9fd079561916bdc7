/**
 * The in-bottle clients of the supervise bench, as Node scripts for `bottle exec B -- node -e`
 * (node is in every bottle): an MCP caller timing tool calls through the door, and a poller
 * that tries a host through the egress proxy until it is let through. Each is bounded in
 * time and count and prints one JSON line.
 */
import { SUPERVISE_PORT } from "../../sidecars/supervise/wire.ts";

/** The door's egress port inside every bottle. */
const PROXY_PORT = 3128;

/** Timings of `tools/call request_status`, ms: over one kept-alive connection and one each. */
export interface McpTimings {
  keepAlive: number[];
  fresh: number[];
}

/**
 * `node -e MCP_CALLER AGENT COUNT WARMUP`: WARMUP untimed calls, then COUNT rounds of one call
 * on a kept-alive connection and one on a new connection (as a client without keep-alive).
 */
export const MCP_CALLER = `
const http = require("http");
const [agent, count, warmup] = process.argv.slice(1);
const pool = new http.Agent({ keepAlive: true, maxSockets: 1 });
const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call",
  params: { name: "request_status", arguments: {} } });
function call(via) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request({ host: "127.0.0.1", port: ${SUPERVISE_PORT}, method: "POST",
      path: "/mcp/" + agent, agent: via, headers: { "content-type": "application/json",
      accept: "application/json, text/event-stream", "content-length": Buffer.byteLength(body) } },
      (res) => {
        let data = "";
        res.on("data", (chunk) => { data += chunk; });
        res.on("end", () => res.statusCode === 200 && data.includes('"result"')
          ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
          : reject(new Error(res.statusCode + " " + data.slice(0, 200))));
      });
    req.setTimeout(5000, () => req.destroy(new Error("no answer in 5 s")));
    req.on("error", reject);
    req.end(body);
  });
}
(async () => {
  const out = { keepAlive: [], fresh: [] };
  for (let i = 0; i < Number(warmup); i++) await call(pool);
  for (let i = 0; i < Number(count); i++) {
    out.keepAlive.push(await call(pool));
    out.fresh.push(await call(false));
  }
  pool.destroy();
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error.message); process.exit(1); });
`;

/** When the poller was first let through (ms since the epoch; null: never), after how many tries. */
export interface PollResult {
  ok: number | null;
  tries: number;
}

/**
 * `node -e POLLER URL LIMIT_MS`: GET URL through the proxy on a new connection every ~2 ms
 * until it answers 200 (at most LIMIT_MS and 20,000 tries).
 */
export const POLLER = `
const http = require("http");
const [url, limit] = process.argv.slice(1);
const deadline = Date.now() + Number(limit);
function once() {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port: ${PROXY_PORT}, path: url, agent: false,
      headers: { host: new URL(url).host } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      });
    req.setTimeout(2000, () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}
(async () => {
  let tries = 0;
  while (Date.now() < deadline && tries < 20000) {
    tries++;
    if (await once() === 200) return console.log(JSON.stringify({ ok: Date.now(), tries }));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  console.log(JSON.stringify({ ok: null, tries }));
})();
`;
