import assert from "node:assert/strict";
import { engineSocket } from "./engine_exec.ts";

Deno.test("engineSocket: the daemon's Unix socket, or null where the CLI must decide", () => {
  assert.equal(engineSocket({}), "/var/run/docker.sock");
  assert.equal(
    engineSocket({ DOCKER_HOST: "unix:///run/user/1/docker.sock" }),
    "/run/user/1/docker.sock",
  );
  assert.equal(engineSocket({ DOCKER_HOST: "tcp://127.0.0.1:2375" }), null);
  assert.equal(engineSocket({ DOCKER_CONTEXT: "remote" }), null);
  assert.equal(engineSocket({ BOT_BOTTLE_DOCKER: "podman" }), null);
  assert.equal(engineSocket({ BOT_BOTTLE_DOCKER: "docker" }), "/var/run/docker.sock");
});
