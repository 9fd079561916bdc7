import assert from "node:assert/strict";
import { connectUpstream } from "./dial.ts";

Deno.test("connectUpstream: tries each address, reports every failure", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  await assert.rejects(
    connectUpstream(["127.0.0.1", "127.0.0.2"], port, 2000),
    /cannot connect to 127\.0\.0\.1:\d+: .*; 127\.0\.0\.2:\d+/,
  );
  const live = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = live.accept();
  const conn = await connectUpstream(["127.0.0.1"], (live.addr as Deno.NetAddr).port, 2000);
  (await accepted).close();
  conn.close();
  live.close();
});
