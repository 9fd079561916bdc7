import assert from "node:assert/strict";
import { knownHostsFor, knownHostsName } from "./known_hosts.ts";
import { runOutput } from "./command.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

Deno.test("known_hosts: plain names, ports, lists, wildcards and negation", () => {
  const text = [
    "# comment",
    `github.com,140.82.112.3 ${KEY}`,
    `[127.0.0.1]:2222 ${KEY}`,
    `*.example.com,!secret.example.com ${KEY}`,
    `@revoked github.com ${KEY}`,
    "",
  ].join("\n");
  assert.deepEqual(knownHostsFor(text, "github.com"), [
    `github.com,140.82.112.3 ${KEY}`,
    `@revoked github.com ${KEY}`,
  ]);
  assert.deepEqual(knownHostsFor(text, "GitHub.com").length, 2);
  assert.deepEqual(knownHostsFor(text, knownHostsName("127.0.0.1", 2222)), [
    `[127.0.0.1]:2222 ${KEY}`,
  ]);
  assert.deepEqual(knownHostsFor(text, "127.0.0.1"), []);
  assert.equal(knownHostsFor(text, "git.example.com").length, 1);
  assert.equal(knownHostsFor(text, "secret.example.com").length, 0);
  assert.equal(knownHostsName("h", 22), "h");
});

Deno.test("known_hosts: hashed entries match as ssh-keygen -F finds them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/known_hosts`;
    await Deno.writeTextFile(file, `[127.0.0.1]:2222 ${KEY}\ngithub.com ${KEY}\n`);
    await runOutput("ssh-keygen", ["-H", "-f", file]);
    const hashed = await Deno.readTextFile(file);
    assert.ok(hashed.startsWith("|1|"), hashed);
    assert.equal(knownHostsFor(hashed, "github.com").length, 1);
    assert.equal(knownHostsFor(hashed, "[127.0.0.1]:2222").length, 1);
    assert.equal(knownHostsFor(hashed, "gitlab.com").length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
