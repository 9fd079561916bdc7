import { assertEquals } from "../tests/assert.ts";
import { agentImageInputs, agentImageTag } from "../backends/docker/agent_image.ts";
import { testBottle, testCompileOptions } from "./testing.ts";
import type { BottleManifest } from "../manifest/types.ts";
import { bottleContext, type CompileOptions } from "./bottle_context.ts";
import { dockerImageNodes } from "./docker_image.ts";

const OPTIONS: CompileOptions = testCompileOptions();

function manifest(backend: BottleManifest["backend"]): BottleManifest {
  return testBottle({ file: "/project/bottles/dev.md", backend });
}

Deno.test("docker_image: no node for other backends", () => {
  assertEquals(dockerImageNodes(bottleContext(manifest("bwrap"), OPTIONS, [])), []);
});

Deno.test("docker_image: one node per docker bottle, owned by its project and state db", () => {
  const nodes = dockerImageNodes(bottleContext(manifest("docker"), OPTIONS, []));
  const owner = { project: "/project", bottle: "dev", stateDb: "/state/state.db" };
  const inputs = agentImageInputs(Deno.env.toObject());
  assertEquals(nodes, [{
    id: "docker_image.dev",
    type: "docker_image",
    bottle: "dev",
    inputs: { ...owner, ...inputs, tag: agentImageTag(owner, inputs.contextHash) },
    dependsOn: ["bottle_dir.dev"],
    replaceWith: [],
  }]);
});
