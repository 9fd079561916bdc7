/**
 * The docker backend's images for real: the base made offline by debootstrap (reused when this
 * machine has it; the first run takes minutes), then a bottle's agent image as the
 * `docker_image` resource makes, reads and deletes it. Needs a Docker daemon and root (CI has
 * both); without a daemon it fails rather than skips, so that a broken setup is seen.
 */
import { assert_, assertEquals } from "../assert.ts";
import { dockerOutput } from "../../backends/docker/cli.ts";
import { BASE_ENV } from "../../backends/docker/base_image.ts";
import { inspectImage } from "../../backends/docker/image_inspect.ts";
import { LABELS, ownedBy } from "../../backends/docker/labels.ts";
import type { ProviderContext, ResourceInstance } from "../../engine/provider.ts";
import { dockerImageProvider } from "../../resources/docker_image.ts";
import { agentImageInputs, agentImageTag } from "../../backends/docker/agent_image.ts";

const TOOLS = ["socat", "git", "node", "python3", "perl", "setsid", "getent", "ps", "bash"];

Deno.test("docker image: offline base, agent image per bottle with the tools, no network", async () => {
  const info = await dockerOutput(["info", "--format", "{{.ServerVersion}}"]);
  if (info.code !== 0) {
    throw new Error(
      `this test needs a running Docker daemon (docker info: ${info.stderr.trim()}); ` +
        "install docker.io and start dockerd",
    );
  }
  const cacheDir = await Deno.makeTempDir({ prefix: "bb-docker-image-" });
  const ctx: ProviderContext = {
    stateDir: cacheDir,
    env: { ...Deno.env.toObject(), BOT_BOTTLE_CACHE_DIR: cacheDir },
  };
  const owner = {
    project: `/test/docker-image-${crypto.randomUUID()}`,
    bottle: "imgtest",
    stateDb: `${cacheDir}/state.db`,
  };
  const inputs = agentImageInputs(ctx.env);
  const tag = agentImageTag(owner, inputs.contextHash);
  const node = dockerImageProvider.node({
    id: "docker_image.imgtest",
    bottle: owner.bottle,
    inputs: { ...owner, ...inputs, tag },
    dependsOn: [],
  });
  const instance = (outputs: ResourceInstance["outputs"]): ResourceInstance => ({
    id: node.id,
    type: node.type,
    bottle: node.bottle,
    inputs: node.inputs,
    outputs,
  });
  try {
    assertEquals((await dockerImageProvider.read(ctx, instance(null))).status, "missing");
    const outputs = await dockerImageProvider.create(ctx, instance(null));
    assertEquals(outputs.tag, tag);

    const image = await inspectImage(tag);
    assert_(image, `${tag} exists`);
    assertEquals(image.id, outputs.id);
    assert_(ownedBy(image.labels, owner, "image"), JSON.stringify(image.labels));
    assertEquals(image.labels[LABELS.contentHash], inputs.contextHash);
    if (!ctx.env[BASE_ENV]) {
      const base = await inspectImage(inputs.base);
      assert_(base, `${inputs.base} exists`);
      assertEquals(base.labels[LABELS.managed], "1");
      assertEquals(base.labels[LABELS.role], "base");
    }

    const check = `for c in ${TOOLS.join(" ")}; do command -v $c >/dev/null || ` +
      `{ echo "no $c"; exit 1; }; done; ` +
      "for d in /workspace /home/agent /run/bottle; do test -d $d || { echo no $d; exit 1; }; " +
      `test "$(stat -c %a $d)" = 755 || { echo $d mode; exit 1; }; done; ` +
      "test -s /etc/ssl/certs/ca-certificates.crt";
    const ran = await dockerOutput(["run", "--rm", "--network", "none", tag, "sh", "-c", check]);
    assertEquals([ran.code, ran.stdout + ran.stderr], [0, ""]);

    const found = await dockerImageProvider.read(ctx, instance(outputs));
    assertEquals(found, { status: "found", outputs, drift: [] });
    const stranger = { ...instance(outputs), inputs: { ...node.inputs, project: "/elsewhere" } };
    assertEquals((await dockerImageProvider.read(ctx, stranger)).status, "missing");
    await dockerImageProvider.delete(ctx, stranger);
    assert_(await inspectImage(tag), "somebody else's delete leaves the image");

    await dockerImageProvider.delete(ctx, instance(outputs));
    assertEquals(await inspectImage(tag), null);
    assertEquals((await dockerImageProvider.read(ctx, instance(outputs))).status, "missing");
    await dockerImageProvider.delete(ctx, instance(outputs));
    if (!ctx.env[BASE_ENV]) assert_(await inspectImage(inputs.base), "the base stays");
  } finally {
    await dockerOutput(["image", "rm", tag]);
    await Deno.remove(cacheDir, { recursive: true });
  }
});
