import assert from "node:assert/strict";
import type { BottleManifest } from "../manifest/types.ts";
import { testBottle, testCompileOptions } from "./testing.ts";
import { compileBottle } from "./compile.ts";
import { renderGitconfig } from "./gitconfig.ts";
import type { GitconfigInputs } from "./gitconfig.ts";
import type { GatePolicy } from "../sidecars/gitgate/wire.ts";

const OPTIONS = testCompileOptions({
  describeSecret: () => ({ placeholder: "ph", fingerprint: "fp" }),
});

function bottle(git: BottleManifest["git"]): BottleManifest {
  return testBottle({ git, git_user: { name: "Dev Bot", email: "dev@example.com" } });
}

const GIT: BottleManifest["git"] = {
  app: {
    remote: "git@github.com:org/app.git",
    credential: { file: "~/.ssh/id_app" },
    protected_branches: ["main"],
    push: {
      branches: ["agent/*"],
      protected_paths: [".github/workflows/**"],
      require_identity: true,
    },
  },
  site: {
    remote: "https://git.example.com/org/site.git",
    credential: { env: "SITE_TOKEN" },
    protected_branches: [],
  },
};

Deno.test("git gate: a bottle without git: has no gate, only the door services", () => {
  const nodes = compileBottle(bottle({}), OPTIONS);
  assert.ok(!nodes.some((node) => node.type.startsWith("git_")));
  const door = nodes.find((node) => node.type === "door");
  assert.deepEqual(
    (door?.inputs.services as { name: string }[]).map((service) => service.name),
    ["egress", "git", "supervise"],
  );
});

Deno.test("git gate: upstreams compile to a gate, its policy, credentials and one mirror each", () => {
  const nodes = compileBottle(bottle(GIT), OPTIONS);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  for (
    const id of [
      "git_gate_dir.dev",
      "git_mirror.dev.app",
      "git_mirror.dev.site",
      "git_credentials.dev",
      "git_gate_policy.dev",
      "git_gate.dev",
    ]
  ) assert.ok(byId.has(id), id);
  const gate = byId.get("git_gate.dev");
  assert.deepEqual(Object.keys(gate?.inputs ?? {}).sort(), [
    "bottle",
    "gateDir",
    "logDir",
    "runDir",
  ]);
  assert.ok(gate?.dependsOn.includes("git_gate_policy.dev"));
  assert.ok(
    !gate?.replaceWith.includes("git_gate_policy.dev"),
    "a policy change never restarts it",
  );
  const policy = byId.get("git_gate_policy.dev")?.inputs.policy as unknown as GatePolicy;
  const [app, site] = policy.upstreams;
  assert.deepEqual(app.credential, {
    kind: "ssh-key",
    key_file: "/state/bottles/dev/gate/credentials/app.key",
    known_hosts_file: "/state/bottles/dev/gate/credentials/app.known_hosts",
  });
  assert.deepEqual(app.push.branches, ["agent/*"]);
  assert.deepEqual(app.push.force, []);
  assert.deepEqual(app.push.require_identity, [{ name: "Dev Bot", email: "dev@example.com" }]);
  assert.equal(app.host, "github.com");
  assert.deepEqual(site.credential, {
    kind: "token",
    token_file: "/state/bottles/dev/gate/credentials/site.token",
    username: "x-access-token",
  });
  assert.deepEqual(site.push.branches, ["**"]);
  assert.equal(site.push.require_identity, undefined);
  const credentials = byId.get("git_credentials.dev")?.inputs.credentials as unknown as {
    name: string;
    fingerprint: string;
    known_hosts?: string;
  }[];
  assert.deepEqual(credentials.map((c) => [c.name, c.fingerprint, c.known_hosts]), [
    ["app", "fp-git upstream app", "github.com ssh-ed25519 AAAA"],
    ["site", "fp-git upstream site", undefined],
  ]);
  assert.ok(
    !JSON.stringify(nodes).includes("SITE_TOKEN=") && !JSON.stringify(nodes).includes("PRIVATE"),
  );
});

Deno.test("git gate: the gitconfig sends declared spellings to the gate and the rest to its refusal", () => {
  const nodes = compileBottle(bottle(GIT), OPTIONS);
  const inputs = nodes.find((node) => node.type === "gitconfig")
    ?.inputs as unknown as GitconfigInputs;
  const text = renderGitconfig(inputs);
  assert.match(text, /\[url "http:\/\/127\.0\.0\.1:3129\/app\.git"\]\n(\tinsteadOf = "[^"]+"\n)+/);
  for (
    const spelling of [
      "git@github.com:org/app.git",
      "ssh://git@github.com/org/app.git",
      "https://github.com/org/app.git",
      "https://git.example.com/org/site.git",
    ]
  ) assert.ok(text.includes(`\tinsteadOf = "${spelling}"`), spelling);
  assert.match(
    text,
    /\[url "http:\/\/127\.0\.0\.1:3129\/_undeclared\/scp\/"\]\n\tinsteadOf = "git@"/,
  );
  assert.match(
    text,
    /\[url "http:\/\/127\.0\.0\.1:3129\/_undeclared\/ssh\/"\]\n\tinsteadOf = "ssh:\/\/"/,
  );
  assert.ok(
    text.includes('[url "http://127.0.0.1:3129/"]\n\tinsteadOf = "http://127.0.0.1:3129/"'),
  );
});
