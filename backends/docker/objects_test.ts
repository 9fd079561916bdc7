import { assertEquals } from "../../tests/assert.ts";
import { parseContainers, parseImages, parseNetworks, parseVolumes } from "./objects.ts";

const LABELS = { "dev.bot-bottle.managed": "1", "dev.bot-bottle.bottle": "dk" };

Deno.test("docker objects: inspect output parsed, missing labels and tags as empty", () => {
  const containers = JSON.stringify([
    {
      Id: "c1",
      Name: "/bot-bottle-dk-1",
      Created: "2026-01-01T00:00:00.5Z",
      Image: "sha256:i1",
      State: { Status: "exited", Pid: 0 },
      Config: { Labels: LABELS, Env: [] },
    },
    {
      Id: "c2",
      Name: "/other",
      Created: "x",
      Image: "sha256:i2",
      State: { Status: "running" },
      Config: { Labels: null },
    },
  ]);
  assertEquals(parseContainers(containers), [
    {
      id: "c1",
      name: "bot-bottle-dk-1",
      labels: LABELS,
      created: "2026-01-01T00:00:00.5Z",
      state: "exited",
      image: "sha256:i1",
    },
    { id: "c2", name: "other", labels: {}, created: "x", state: "running", image: "sha256:i2" },
  ]);
  const images = JSON.stringify([
    { Id: "sha256:i1", RepoTags: ["bot-bottle-agent-dk:1"], Config: { Labels: LABELS } },
    { Id: "sha256:i2", RepoTags: [], Config: null },
    { Id: "sha256:i3", RepoTags: ["<none>:<none>"] },
  ]);
  assertEquals(parseImages(images), [
    { id: "sha256:i1", tags: ["bot-bottle-agent-dk:1"], labels: LABELS },
    { id: "sha256:i2", tags: [], labels: {} },
    { id: "sha256:i3", tags: [], labels: {} },
  ]);
  assertEquals(parseVolumes(JSON.stringify([{ Name: "v", Labels: LABELS, Driver: "local" }])), [
    { name: "v", labels: LABELS },
  ]);
  assertEquals(parseNetworks(JSON.stringify([{ Id: "n1", Name: "n", Labels: {} }])), [
    { id: "n1", name: "n", labels: {} },
  ]);
  assertEquals(parseContainers("[]"), []);
});
