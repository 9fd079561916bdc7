import { assertEquals } from "../tests/assert.ts";
import { agentImageInputs, agentImageTag } from "../backends/docker/agent_image.ts";
import { LIMIT_DEFAULTS, superviseSpec } from "../manifest/defaults.ts";
import type { BottleManifest } from "../manifest/types.ts";
import { bottleContext, type CompileOptions } from "./bottle_context.ts";
import { dockerImageNodes } from "./docker_image.ts";

const OPTIONS: CompileOptions = {
  stateDir: "/state",
  project: "/project",
  home: "/home/op",
  cacheDir: "/cache",
  describeSecret: () => ({ placeholder: "ph", fingerprint: "fp" }),
  fingerprintSecret: () => "fp",
  hostKeys: () => "",
};

function manifest(backend: BottleManifest["backend"]): BottleManifest {
  return {
    name: "dev",
    file: "/project/bottles/dev.md",
    backend,
    env: {},
    egress: { allow: [], deny: [], routes: [] },
    git: {},
    supervise: superviseSpec({ enabled: false }),
    limits: { ...LIMIT_DEFAULTS },
    extends_chain: [],
    notes: "",
  };
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
