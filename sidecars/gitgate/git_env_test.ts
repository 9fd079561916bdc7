import assert from "node:assert/strict";
import { basicAuth, configEnv, credentialEnv, redact, secretForms, sshCommand } from "./git_env.ts";

Deno.test("git env: ssh key command quotes paths and pins host keys", () => {
  const env = credentialEnv(
    { kind: "ssh-key", key_file: "/g/cred/it's.key", known_hosts_file: "/g/kh" },
    null,
  );
  assert.equal(
    env.GIT_SSH_COMMAND,
    `ssh -F /dev/null -i '/g/cred/it'\\''s.key' -o IdentitiesOnly=yes -o BatchMode=yes ` +
      `-o StrictHostKeyChecking=yes -o UserKnownHostsFile='/g/kh' ` +
      `-o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=20`,
  );
  assert.match(sshCommand(null, null), /UserKnownHostsFile=\/dev\/null/);
});

Deno.test("git env: a token goes into http.extraHeader through GIT_CONFIG_*", () => {
  const env = credentialEnv(
    { kind: "token", token_file: "/t", username: "x-access-token" },
    "s3cr3t",
  );
  assert.equal(env.GIT_CONFIG_COUNT, "2");
  assert.equal(env.GIT_CONFIG_KEY_1, "http.extraHeader");
  assert.equal(env.GIT_CONFIG_VALUE_1, `Authorization: Basic ${btoa("x-access-token:s3cr3t")}`);
  assert.deepEqual(configEnv([["a.b", "c"]]), {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "a.b",
    GIT_CONFIG_VALUE_0: "c",
  });
});

Deno.test("git env: redaction removes the token, its base64 forms and URL userinfo", () => {
  const credential = { kind: "token" as const, token_file: "/t", username: "u" };
  const forms = secretForms(credential, "tok-123456");
  const text = `fatal: tok-123456 ${basicAuth("u", "tok-123456")} https://u:pw@host/x`;
  assert.equal(redact(text, forms), "fatal: [REDACTED] [REDACTED] https://[REDACTED]@host/x");
  assert.deepEqual(secretForms({ kind: "none" }, null), []);
});
