import assert from "node:assert/strict";
import { initScript } from "./init.ts";

Deno.test("init script: one supervised forwarder per service, then waits forever", async () => {
  const script = initScript(
    [{ name: "egress", port: 3128, socket: "egress.sock" }, {
      name: "mcp",
      port: 8700,
      socket: "mcp.sock",
    }],
    "/usr/bin/socat",
  );
  assert.equal(
    script,
    [
      "while :; do /usr/bin/socat TCP-LISTEN:3128,bind=127.0.0.1,reuseaddr,fork " +
      "UNIX-CONNECT:/run/bottle/egress.sock; sleep 0.2; done &",
      "while :; do /usr/bin/socat TCP-LISTEN:8700,bind=127.0.0.1,reuseaddr,fork " +
      "UNIX-CONNECT:/run/bottle/mcp.sock; sleep 0.2; done &",
      "while :; do sleep 3600; done",
      "",
    ].join("\n"),
  );
  const syntax = await new Deno.Command("/bin/sh", { args: ["-n", "-c", script] }).output();
  assert.equal(syntax.code, 0);
});

Deno.test("init script without services only waits", () => {
  assert.equal(initScript([], "/usr/bin/socat"), "while :; do sleep 3600; done\n");
});
