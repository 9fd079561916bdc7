import assert from "node:assert/strict";
import { generatedEtc } from "./etc.ts";
import { sandboxHostname } from "./layout.ts";

Deno.test("generated /etc: the agent user, loopback hosts, files-only name service", () => {
  const files = generatedEtc("bottle-dev", "/bin/bash");
  assert.match(files.passwd, /^agent:x:1000:1000:agent:\/home\/agent:\/bin\/bash$/m);
  assert.match(files.group, /^agent:x:1000:$/m);
  assert.match(files.hosts, /^127\.0\.0\.1\tlocalhost bottle-dev$/m);
  assert.equal(files.hostname, "bottle-dev\n");
  assert.match(files["nsswitch.conf"], /^hosts: files$/m);
  assert.doesNotMatch(files["nsswitch.conf"], /dns|systemd|sss|ldap|resolve/);
  assert.equal(generatedEtc("h", "/bin/sh").passwd.includes(":/home/agent:/bin/sh"), true);
});

Deno.test("host names are reduced to a valid label", () => {
  assert.equal(sandboxHostname("dev"), "bottle-dev");
  assert.equal(sandboxHostname("My_Bottle.1"), "bottle-my-bottle-1");
  assert.equal(sandboxHostname("---"), "bottle-x");
  assert.ok(sandboxHostname("a".repeat(200)).length <= 63);
});
