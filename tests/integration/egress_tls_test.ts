/**
 * Issue 3 end to end inside a real bwrap bottle, with curl, node and git as clients: TLS
 * interception with the bottle's CA, credential injection reaching a local stand-in with the
 * real value while the agent only ever holds the placeholder, placeholder leaks and DLP
 * blocked, responses redacted, passthrough not intercepted, secret rotation in place.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { StateStore } from "../../engine/state.ts";
import type { ProcessIdentity } from "../../lib/process.ts";
import { expectCode, World } from "./harness.ts";
import { startStandIn } from "./standin.ts";
import { hex } from "../../lib/bytes.ts";

const API = "api.standin.test";
const OTHER = "other.standin.test";
const PASS = "pass.standin.test";

const NODE_CLIENT = `
const http = require("http"), tls = require("tls");
const [host, port, path, token] = process.argv.slice(2);
const req = http.request({ host: "127.0.0.1", port: 3128, method: "CONNECT", path: host + ":" + port });
req.on("connect", (res, socket) => {
  if (res.statusCode !== 200) { console.log("CONNECT " + res.statusCode); process.exit(3); }
  const s = tls.connect({ socket, servername: host }, () => s.write(
    "GET " + path + " HTTP/1.1\\r\\nHost: " + host + ":" + port + "\\r\\nAuthorization: Bearer " + token +
    "\\r\\nConnection: close\\r\\n\\r\\n"));
  let data = ""; s.on("data", (d) => data += d);
  s.on("end", () => console.log(data.split("\\r\\n\\r\\n")[1]));
  s.on("error", (e) => { console.log("TLS " + e.message); process.exit(4); });
});
req.end();
`;

function randomHex(bytes: number): string {
  return hex(crypto.getRandomValues(new Uint8Array(bytes)));
}

function processIds(world: World, bottle: string): ProcessIdentity[] {
  const store = new StateStore(world.stateDir);
  try {
    const sandbox = store.get(`sandbox.${bottle}`)?.outputs as unknown as { init: ProcessIdentity };
    const bundle = store.get(`sidecar_bundle.${bottle}`)?.outputs as unknown as {
      supervisor: ProcessIdentity;
    };
    return [sandbox.init, bundle.supervisor];
  } finally {
    store.close();
  }
}

Deno.test("egress TLS: interception, injection, leaks blocked, redaction, passthrough, rotation", async (t) => {
  const standIn = await startStandIn([API, OTHER, PASS]);
  const realToken = `st-${randomHex(20)}`;
  const world = await World.create({
    BOT_BOTTLE_TEST_RESOLVE: JSON.stringify({
      [API]: "127.0.0.1",
      [OTHER]: "127.0.0.1",
      [PASS]: "127.0.0.1",
    }),
    STANDIN_TOKEN: realToken,
  });
  await world.writeBottle(
    "tls",
    `
egress:
  allow: [${API}, ${OTHER}, ${PASS}]
  routes:
    - host: ${API}
      auth: { scheme: bearer, secret: { env: STANDIN_TOKEN } }
      upstream_ca_file: ${standIn.caFile}
    - host: ${OTHER}
      upstream_ca_file: ${standIn.caFile}
    - host: ${PASS}
      passthrough: true
`,
  );
  const base = (host: string) => `https://${host}:${standIn.port}`;
  const exec = (...argv: string[]) => world.cli(["exec", "tls", "--", ...argv]);
  const sh = (script: string) => exec("sh", "-c", script);
  try {
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
    const placeholder = (await exec("printenv", "STANDIN_TOKEN")).stdout.trim();

    await t.step("the agent's environment holds a placeholder, never the real token", () => {
      assertMatch(placeholder, /^bb_placeholder_[0-9a-f]{32}$/);
      assert_(placeholder !== realToken);
    });

    await t.step(
      "curl: injection reaches the stand-in with the real value; the echo is redacted",
      async () => {
        const before = standIn.received.length;
        const result = await sh(
          `curl -sS --max-time 10 -H "Authorization: Bearer $STANDIN_TOKEN" ${base(API)}/echo`,
        );
        expectCode(result, 0, "curl through interception");
        assertEquals(standIn.received[before].headers.authorization, `Bearer ${realToken}`);
        assert_(!result.stdout.includes(realToken), `the real token leaked back: ${result.stdout}`);
        assertMatch(result.stdout, new RegExp(placeholder));
        const gzip = await sh(`curl -sS --compressed --max-time 10 ${base(API)}/echo-gzip`);
        expectCode(gzip, 0, "gzip echo");
        assert_(!gzip.stdout.includes(realToken), `gzip echo leaked: ${gzip.stdout}`);
      },
    );

    await t.step(
      "the intercepted certificate comes from the bottle's CA; passthrough is untouched",
      async () => {
        const intercepted = await sh(
          `curl -sS -v -o /dev/null --max-time 10 ${base(OTHER)}/echo 2>&1 | grep -i 'issuer:'`,
        );
        assertMatch(intercepted.stdout, /bot-bottle CA for tls/);
        await Deno.copyFile(
          standIn.caFile,
          join(world.stateDir, "bottles", "tls", "workspace", "standin-ca.pem"),
        );
        const passthrough = await sh(
          `curl -sS -v -o /dev/null --max-time 10 --cacert /workspace/standin-ca.pem ${
            base(PASS)
          }/echo 2>&1 | grep -i 'issuer:'`,
        );
        assertMatch(passthrough.stdout, /bot-bottle standin test CA/);
      },
    );

    await t.step("a placeholder sent to another host is blocked and never arrives", async () => {
      const before = standIn.received.length;
      const leak = await sh(
        `curl -sS -i --max-time 10 -H "X-Token: $STANDIN_TOKEN" ${base(OTHER)}/echo`,
      );
      assertMatch(leak.stdout, /^HTTP\/1\.1 403/m);
      assertMatch(leak.stdout, /x-bot-bottle-reason: .*placeholder/i);
      assertEquals(standIn.received.length, before);
    });

    await t.step("DLP: a secret in a POST body, a header or the query is blocked", async () => {
      const awsKey = "AKIA" + randomHex(8).toUpperCase().replace(/[^A-Z2-7]/g, "Q");
      const before = standIn.received.length;
      const cases = [
        `curl -sS -i --max-time 10 -H 'content-type: application/json' --data '{"k":"${awsKey}"}' ${
          base(OTHER)
        }/echo`,
        `curl -sS -i --max-time 10 -H 'X-Note: ${awsKey}' ${base(OTHER)}/echo`,
        `curl -sS -i --max-time 10 '${base(OTHER)}/echo?key=${awsKey}'`,
      ];
      for (const script of cases) {
        const blocked = await sh(script);
        assertMatch(blocked.stdout, /^HTTP\/1\.1 403/m, script);
        assertMatch(blocked.stdout, /x-bot-bottle-reason: .*aws/i, script);
        assert_(
          !blocked.stdout.includes(awsKey.slice(4)),
          "the block response must not echo the secret",
        );
      }
      // A body is scanned as it streams: the request head may already be upstream when the
      // secret is found, but then the request is aborted before any byte of its body.
      const arrived = standIn.received.slice(before);
      assertEquals(arrived.filter((r) => JSON.stringify(r).includes(awsKey.slice(4))), []);
      assert_(arrived.every((r) => r.body === null), "a blocked request must never complete");
    });

    await t.step(
      "node and git as clients trust the bottle's CA and get the injection",
      async () => {
        const workspace = join(world.stateDir, "bottles", "tls", "workspace");
        await Deno.writeTextFile(join(workspace, "client.js"), NODE_CLIENT);
        const before = standIn.received.length;
        const node = await sh(
          `node /workspace/client.js ${API} ${standIn.port} /echo "$STANDIN_TOKEN"`,
        );
        expectCode(node, 0, "node client");
        assertEquals(standIn.received[before].headers.authorization, `Bearer ${realToken}`);
        assert_(!node.stdout.includes(realToken));
        const git = await exec("git", "ls-remote", `${base(API)}/repo.git`);
        expectCode(git, 0, "git ls-remote");
        assertMatch(git.stdout, /refs\/heads\/main/);
        const refs = standIn.received.filter((r) => r.path.includes("/info/refs"));
        assertEquals(refs.at(-1)?.headers.authorization, `Bearer ${realToken}`);
      },
    );

    await t.step("the real token is nowhere the agent can look, nor in any log", async () => {
      // A pattern that matches the token without containing it: grep's own argv is searched too.
      const pattern = `${realToken.slice(0, 3)}[${realToken[3]}]${realToken.slice(4)}`;
      const search = await sh(
        `grep -rsl -- '${pattern}' /workspace /home /tmp /run /etc /proc/[0-9]*/environ /proc/[0-9]*/cmdline; true`,
      );
      assertEquals(search.stdout, "");
      const logs = join(world.stateDir, "bottles", "tls", "logs");
      for await (const entry of Deno.readDir(logs)) {
        const text = await Deno.readTextFile(join(logs, entry.name));
        assert_(!text.includes(realToken), `${entry.name} holds the real token`);
      }
      const audit = await world.cli(["logs", "tls", "--egress"]);
      assertMatch(audit.stdout, new RegExp(`"injected":"${API.replaceAll(".", "\\.")}"`));
    });

    await t.step(
      "a rotated secret is an in-place update: no restarts, the new value is injected",
      async () => {
        const ids = processIds(world, "tls");
        const rotated = `st-${randomHex(20)}`;
        const plan = await world.cli(["plan"], { STANDIN_TOKEN: rotated });
        assertMatch(plan.stdout, /~ egress_secrets\.tls \(egress_secrets\)/);
        assert_(
          !plan.stdout.includes(rotated) && !plan.stdout.includes(realToken),
          "plan shows a secret",
        );
        expectCode(
          await world.cli(["apply", "--yes"], { STANDIN_TOKEN: rotated }),
          0,
          "apply rotation",
        );
        assertEquals(processIds(world, "tls"), ids);
        const before = standIn.received.length;
        await sh(
          `curl -sS --max-time 10 -H "Authorization: Bearer $STANDIN_TOKEN" ${base(API)}/echo`,
        );
        assertEquals(standIn.received[before].headers.authorization, `Bearer ${rotated}`);
        world.env.STANDIN_TOKEN = rotated;
      },
    );
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
    await standIn.close();
  }
});
