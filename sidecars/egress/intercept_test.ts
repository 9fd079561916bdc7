import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type AuditEntry, FileAudit } from "./audit.ts";
import { compilePolicy } from "./decide.ts";
import type { PolicyRoute } from "./policy.ts";
import { type DlpFactory, type EgressProxy, startProxy } from "./proxy.ts";
import { unavailableDlp } from "./dlp_loader.ts";
import type { InjectedSecret } from "./secrets.ts";
import { compileSecrets } from "./secret_table.ts";
import { BLOCK_MARK, type FakeDlp, fakeDlp, WARN_MARK } from "./test_dlp.ts";
import { testCa, testPolicy } from "./test_files.ts";
import { content, eventually, header, RawClient, withTimeout } from "./test_support.ts";
import {
  curl,
  type Door,
  type StandIn,
  startDoor,
  startStandIn,
  tunnelClient,
} from "./test_tls.ts";
import { LeafMinter } from "./tls/leaf.ts";
import type { GeneratedCa } from "./tls/ca.ts";

const REAL = "sk-real-0123456789abcdefXYZ";
const PLACEHOLDER = "bb-placeholder-api-test-0001";
const HOSTS = ["api.test", "other.test", "raw.test", "untrusted.test", "gw.test"];

interface Fixture {
  socket: string;
  door: Door;
  standIn: StandIn;
  proxy: EgressProxy;
  ca: GeneratedCa;
  /** The bottle CA as a file (curl --cacert). */
  caFile: string;
  dlp: FakeDlp;
  dir: string;
  url(host: string, path: string): string;
  curlArgs(): string[];
  audit(): AuditEntry[];
}

interface Options {
  routes?: (standIn: StandIn) => PolicyRoute[];
  secrets?: InjectedSecret[];
  dlp?: boolean | DlpFactory;
}

function bearer(host = "api.test", extra: Partial<InjectedSecret> = {}): InjectedSecret {
  return { host, scheme: "bearer", value: REAL, placeholder: PLACEHOLDER, ...extra };
}

function defaultRoutes(standIn: StandIn): PolicyRoute[] {
  return [
    { host: "api.test", passthrough: false, upstream_ca_pem: standIn.caPem },
    { host: "other.test", passthrough: false, upstream_ca_pem: standIn.caPem },
    { host: "raw.test", passthrough: true },
  ];
}

async function withIntercept(
  fn: (fx: Fixture) => Promise<void>,
  options: Options = {},
): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "egress-intercept-" });
  const socket = `${dir}/egress.sock`;
  const audit = new FileAudit(`${dir}/log`, (m) => console.error(m));
  const standIn = await startStandIn([...HOSTS, "127.0.0.1"]);
  const ca = await testCa();
  Deno.writeTextFileSync(`${dir}/ca.crt`, ca.certPem);
  const dlp = fakeDlp();
  const routes = (options.routes ?? defaultRoutes)(standIn);
  const proxy = await startProxy({
    socketPath: socket,
    policy: compilePolicy(testPolicy([...HOSTS, "127.0.0.1", "localhost"], routes)),
    secrets: compileSecrets(
      { version: 1, bottle: "dev", secrets: options.secrets ?? [bearer()] },
      "dev",
    ),
    minter: await LeafMinter.create(ca.certPem, ca.keyPem),
    dlp: options.dlp === false
      ? undefined
      : typeof options.dlp === "function"
      ? options.dlp
      : dlp.factory,
    audit,
    testResolve: new Map(HOSTS.map((h) => [h, "127.0.0.1"])),
    log: () => {},
  });
  const door = startDoor(socket);
  const auditLines = (): AuditEntry[] => {
    try {
      return Deno.readTextFileSync(`${dir}/log/egress.jsonl`).split("\n").filter((l) => l)
        .map((l) => JSON.parse(l) as AuditEntry);
    } catch {
      return [];
    }
  };
  try {
    await fn({
      socket,
      door,
      standIn,
      proxy,
      ca,
      caFile: `${dir}/ca.crt`,
      dlp,
      dir,
      url: (host, path) => `https://${host}:${standIn.port}${path}`,
      curlArgs: () => ["--proxy", `http://127.0.0.1:${door.port}`, "--cacert", `${dir}/ca.crt`],
      audit: auditLines,
    });
  } finally {
    await door.close();
    await proxy.close();
    audit.close();
    await standIn.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

interface CurlResponse {
  status: number;
  /** The final response head (curl also shows the CONNECT's). */
  head: string;
  body: string;
  stderr: string;
}

/** curl through the proxy trusting the bottle CA; head and body of the final response. */
async function fetchVia(fx: Fixture, args: string[], stdin?: Uint8Array): Promise<CurlResponse> {
  const headFile = `${fx.dir}/head.txt`;
  const bodyFile = `${fx.dir}/body.txt`;
  const result = await curl([...fx.curlArgs(), "-D", headFile, "-o", bodyFile, ...args], stdin);
  const read = (path: string): string => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return "";
    }
  };
  const blocks = read(headFile).split("\r\n\r\n").filter((b) => b.startsWith("HTTP/"));
  const head = blocks[blocks.length - 1] ?? "";
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  const body = read(bodyFile);
  for (const path of [headFile, bodyFile]) Deno.removeSync(path, { recursive: true });
  return { status, head, body, stderr: result.stderr };
}

function requestLines(fx: Fixture): AuditEntry[] {
  return fx.audit().filter((l) => l.method !== "CONNECT");
}

async function auditSettles(fx: Fixture, count: number): Promise<AuditEntry[]> {
  await eventually(() => fx.audit().length >= count, `${count} audit lines`);
  return fx.audit();
}

function tunnel(fx: Fixture, host = "api.test"): Promise<RawClient> {
  return tunnelClient(fx.door, `${host}:${fx.standIn.port}`, fx.ca.certPem);
}

Deno.test("intercept: curl GET and POST on one kept-alive tunnel, leaf from the bottle CA", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([
      ...fx.curlArgs(),
      "-w",
      "|%{http_code}|%{ssl_verify_result}|%{num_connects}\n",
      fx.url("api.test", "/hello"),
      "--next",
      ...fx.curlArgs(),
      "-w",
      "|%{http_code}|%{num_connects}\n",
      "--data-binary",
      "posted body",
      fx.url("api.test", "/echo"),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "hello|200|0|1\nposted body|200|0\n");
    assert.deepEqual(fx.standIn.requests.map((r) => [r.method, r.path, r.body]), [
      ["GET", "/hello", ""],
      ["POST", "/echo", "posted body"],
    ]);
    const lines = await auditSettles(fx, 3);
    const connect = lines.find((l) => l.method === "CONNECT")!;
    assert.equal(connect.intercepted, true);
    assert.match(connect.reason, /intercepted, 2 requests/);
    const requests = requestLines(fx);
    assert.deepEqual(requests.map((l) => [l.method, l.path, l.status, l.intercepted]), [
      ["GET", "/hello", 200, true],
      ["POST", "/echo", 200, true],
    ]);
    assert.equal(requests[0].injected, "api.test");
  });
});

Deno.test("intercept: keep-alive, chunked upload and pipelining from a raw TLS client", async () => {
  await withIntercept(async (fx) => {
    const client = await tunnel(fx);
    try {
      for (let i = 0; i < 3; i++) {
        await client.send(
          `GET /hello?i=${i} HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n\r\n`,
        );
        const response = await client.readResponse();
        assert.equal(response.status, 200);
        assert.equal(content(response), "hello");
        assert.equal(header(response, "connection"), "keep-alive");
      }
      await client.send(
        `POST /echo HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n` +
          `Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`,
      );
      const echoed = await client.readResponse();
      assert.equal(content(echoed), "hello world");
    } finally {
      client.close();
    }
    assert.equal(fx.standIn.requests.length, 4);
  });
});

Deno.test("intercept: the placeholder becomes the real credential on the route only", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([
      ...fx.curlArgs(),
      "-D",
      "-",
      "-H",
      `Authorization: Bearer ${PLACEHOLDER}`,
      fx.url("api.test", "/reflect"),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fx.standIn.requests[0].headers.authorization, `Bearer ${REAL}`);
    // The stand-in echoed the real value in a header and the body: the client sees neither.
    assert.ok(!result.stdout.includes(REAL), result.stdout);
    assert.match(
      result.stdout,
      new RegExp(`x-echo-auth: authorization=Bearer ${PLACEHOLDER}`, "i"),
    );
    assert.ok(result.stdout.endsWith(`authorization=Bearer ${PLACEHOLDER};x-api-key=;x-custom=`));
    const [line] = requestLines(fx);
    assert.equal(line.injected, "api.test");
    assert.ok(!JSON.stringify(fx.audit()).includes(REAL));
    assert.ok(!JSON.stringify(fx.audit()).includes(PLACEHOLDER));
  });
});

Deno.test("intercept: gzip and brotli responses echoing the secret are decoded and redacted", async () => {
  await withIntercept(async (fx) => {
    for (const path of ["/reflect-gzip", "/reflect-br"]) {
      const client = await tunnel(fx);
      try {
        await client.send(
          `GET ${path} HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n` +
            `Accept-Encoding: gzip, br, zstd\r\n\r\n`,
        );
        const response = await client.readResponse();
        assert.equal(response.status, 200);
        assert.equal(header(response, "content-encoding"), undefined);
        assert.equal(header(response, "transfer-encoding"), "chunked");
        assert.equal(
          content(response),
          `authorization=Bearer ${PLACEHOLDER};x-api-key=;x-custom=`,
          path,
        );
      } finally {
        client.close();
      }
    }
    // Only codings the proxy can decode are asked for.
    assert.equal(fx.standIn.requests[0].headers["accept-encoding"], "gzip, br");
    const curled = await curl([
      ...fx.curlArgs(),
      "--compressed",
      fx.url("api.test", "/reflect-gzip"),
    ]);
    assert.equal(curled.stdout, `authorization=Bearer ${PLACEHOLDER};x-api-key=;x-custom=`);
  });
});

Deno.test("intercept: a placeholder sent anywhere else is blocked and audited", async () => {
  await withIntercept(async (fx) => {
    const cases: Array<[string, string[], string]> = [
      ["other host, auth header", ["-H", `Authorization: Bearer ${PLACEHOLDER}`], "other.test"],
      ["route host, URL", [], "api.test"],
      ["route host, other header", ["-H", `X-Forward: ${PLACEHOLDER}`], "api.test"],
      ["other host, body", ["--data-binary", `{"token":"${PLACEHOLDER}"}`], "other.test"],
      ["base64 in basic auth elsewhere", ["-u", `${PLACEHOLDER}:x`], "other.test"],
    ];
    for (const [name, args, host] of cases) {
      const path = name.includes("URL") ? `/echo?key=${PLACEHOLDER}` : "/echo";
      const response = await fetchVia(fx, [...args, fx.url(host, path)]);
      assert.equal(response.status, 403, name);
      assert.match(response.head, /X-Bot-Bottle-Reason: .*placeholder of route "api\.test"/, name);
      assert.ok(!response.head.includes(PLACEHOLDER) && !response.body.includes(PLACEHOLDER), name);
    }
    assert.equal(fx.standIn.requests.length, 0);
    const blocked = requestLines(fx).filter((l) => l.rule === "placeholder-leak");
    assert.equal(blocked.length, cases.length);
    assert.ok(blocked.every((l) => l.verdict === "deny" && l.status === 403 && l.intercepted));
    assert.ok(!JSON.stringify(fx.audit()).includes(PLACEHOLDER));
  });
});

Deno.test("intercept: a body on the credentialed route may quote its placeholder (a conversation)", async () => {
  await withIntercept(async (fx) => {
    const body = `{"tool_output":"ANTHROPIC_API_KEY=${PLACEHOLDER}"}`;
    const response = await fetchVia(fx, ["--data-binary", body, fx.url("api.test", "/echo")]);
    assert.equal(response.status, 200, response.head);
    assert.equal(fx.standIn.requests.length, 1);
    assert.ok(fx.standIn.requests[0].body.includes(PLACEHOLDER), "the body was changed");
  });
});

Deno.test("intercept: passthrough routes are tunnelled untouched (the client sees the origin's cert)", async () => {
  await withIntercept(async (fx) => {
    const standInCa = writeStandInCa(fx);
    const direct = await curl([
      "--proxy",
      `http://127.0.0.1:${fx.door.port}`,
      "--cacert",
      standInCa,
      fx.url("raw.test", "/hello"),
    ]);
    assert.equal(direct.stdout, "hello", direct.stderr);
    const bottleCa = await curl([...fx.curlArgs(), fx.url("raw.test", "/hello")]);
    assert.notEqual(bottleCa.code, 0);
    const lines = await auditSettles(fx, 2);
    assert.ok(lines.every((l) => l.method === "CONNECT" && l.intercepted === false));
  });
});

Deno.test("intercept: an upstream certificate nobody vouches for is a 502 with the reason", async () => {
  await withIntercept(async (fx) => {
    const result = await fetchVia(fx, [fx.url("untrusted.test", "/hello")]);
    assert.equal(result.status, 502);
    assert.match(
      result.head,
      /X-Bot-Bottle-Reason: TLS with upstream "untrusted\.test" failed: .*(UnknownIssuer|unknown issuer)/i,
    );
    const [line] = requestLines(fx);
    assert.equal(line.status, 502);
    assert.equal(line.intercepted, true);
  });
});

Deno.test("intercept: route.upstream sends matching requests to the operator's origin", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([
      ...fx.curlArgs(),
      "-H",
      `Authorization: Bearer ${PLACEHOLDER}`,
      fx.url("gw.test", "/v1/hello"),
    ]);
    assert.equal(result.stdout, "hello", result.stderr);
    const seen = fx.standIn.requests[0];
    assert.equal(seen.path, "/v1/hello");
    assert.equal(seen.headers.authorization, `Bearer ${REAL}`);
    assert.equal(seen.headers.host, `127.0.0.1:${fx.standIn.port}`);
    // Outside the prefix, the request goes to gw.test itself (here: refused, no CA for it).
    const outside = await fetchVia(fx, [fx.url("gw.test", "/other")]);
    assert.equal(outside.status, 502);
  }, {
    routes: (standIn) => [{
      host: "gw.test",
      path_prefix: "/v1/",
      passthrough: false,
      upstream: `https://127.0.0.1:${standIn.port}`,
      upstream_ca_pem: standIn.caPem,
    }],
    secrets: [bearer("gw.test", { path_prefix: "/v1/" })],
  });
});

Deno.test("intercept: DLP blocks in URL, header and body, warns without blocking", async () => {
  await withIntercept(async (fx) => {
    const blocked: Array<[string, string[], string, string]> = [
      ["url", [], `/echo?q=${BLOCK_MARK}`, "the URL"],
      ["header", ["-H", `X-Note: ${BLOCK_MARK}`], "/echo", "a request header"],
      ["body", ["--data-binary", `aaa ${BLOCK_MARK} bbb`], "/echo", "the request body"],
    ];
    for (const [where, args, path, place] of blocked) {
      const result = await fetchVia(fx, [...args, fx.url("other.test", path)]);
      assert.equal(result.status, 403, where);
      assert.match(
        result.head,
        new RegExp(`X-Bot-Bottle-Reason: DLP rule "test-secret" matched ${place}`),
        where,
      );
      assert.ok(!result.head.includes(BLOCK_MARK) && !result.body.includes(BLOCK_MARK), where);
    }
    assert.equal(fx.standIn.requests.length, 0);
    const warned = await curl([
      ...fx.curlArgs(),
      "-H",
      `X-Note: ${WARN_MARK}`,
      "--data-binary",
      `x ${WARN_MARK}`,
      fx.url("other.test", "/echo"),
    ]);
    assert.equal(warned.stdout, `x ${WARN_MARK}`);
    const lines = requestLines(fx);
    assert.deepEqual(lines.map((l) => l.rule).slice(0, 3), [
      "dlp:test-secret",
      "dlp:test-secret",
      "dlp:test-secret",
    ]);
    assert.deepEqual(lines[3].dlp_warnings, ["test-warn@header", "test-warn@body"]);
    assert.equal(lines[0].path, "[withheld: flagged by DLP]");
    assert.ok(!JSON.stringify(fx.audit()).includes(BLOCK_MARK));
    assert.equal(lines[3].verdict, "allow");
    assert.ok(fx.dlp.calls.urls >= 4 && fx.dlp.calls.bodies >= 2);
    assert.deepEqual(fx.dlp.secretIds, ["api.test"]);
  });
});

Deno.test("intercept: DLP stops a big upload mid-stream and answers 403", async () => {
  await withIntercept(async (fx) => {
    const size = 8 * 1024 * 1024;
    const body = new Uint8Array(size).fill(0x61);
    body.set(new TextEncoder().encode(BLOCK_MARK), 6 * 1024 * 1024);
    const result = await fetchVia(
      fx,
      ["--data-binary", "@-", fx.url("other.test", "/upload")],
      body,
    );
    assert.equal(result.status, 403, result.stderr);
    assert.match(result.head, /DLP rule "test-secret" matched the request body/);
    const lines = await auditSettles(fx, 1);
    const line = lines.find((l) => l.path === "/upload")!;
    assert.equal(line.rule, "dlp:test-secret");
    assert.ok(
      line.bytes_up > 1024 * 1024 && line.bytes_up < 6 * 1024 * 1024 + 65536,
      `${line.bytes_up}`,
    );
    // The upstream never got the marker: the stand-in saw at most a cut-off body.
    assert.ok(fx.standIn.requests.every((r) => !r.body.includes(BLOCK_MARK)));
  });
});

Deno.test("intercept: big download streams through redaction without buffering", async () => {
  await withIntercept(async (fx) => {
    const client = await tunnel(fx);
    try {
      const size = 20 * 1024 * 1024;
      await client.send(
        `GET /big?bytes=${size} HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n\r\n`,
      );
      const response = await withTimeout(client.readResponse(), "big download", 30_000);
      assert.equal(content(response).length, size);
    } finally {
      client.close();
    }
  });
});

Deno.test("intercept: inside a tunnel, the Host must be the CONNECT host", async () => {
  await withIntercept(async (fx) => {
    const client = await tunnel(fx);
    try {
      await client.send(`GET /hello HTTP/1.1\r\nHost: evil.example\r\n\r\n`);
      const response = await client.readResponse();
      assert.equal(response.status, 403);
      assert.match(
        header(response, "x-bot-bottle-reason") ?? "",
        /does not name the tunnel's host/,
      );
    } finally {
      client.close();
    }
    const [line] = await auditSettles(fx, 1);
    assert.equal(line.rule, "host-mismatch");
  });
});

Deno.test("intercept: non-TLS and non-HTTP traffic in a tunnel is closed and audited", async () => {
  await withIntercept(async (fx) => {
    const tcp = await Deno.connect({ hostname: "127.0.0.1", port: fx.door.port });
    const ssh = RawClient.over(tcp);
    await ssh.send(`CONNECT api.test:${fx.standIn.port} HTTP/1.1\r\n\r\nSSH-2.0-OpenSSH_9.0\r\n`);
    assert.equal((await ssh.readResponse("CONNECT")).status, 200);
    assert.ok(await ssh.closedByPeer());
    ssh.close();

    const client = await tunnel(fx);
    await client.send("\x00\x01binary garbage\r\n\r\n");
    const response = await client.readResponse();
    assert.equal(response.status, 400);
    assert.ok(await client.closedByPeer());
    client.close();

    const lines = await auditSettles(fx, 2);
    const notTls = lines.find((l) => l.rule === "not-tls")!;
    assert.match(notTls.reason, /an SSH greeting.*passthrough: true/);
    assert.equal(notTls.intercepted, true);
    const notHttp = lines.find((l) => l.rule === "not-http")!;
    assert.match(notHttp.reason, /other than HTTP\/1\.x inside the TLS tunnel/);
  });
});

Deno.test("intercept: a client that does not trust the bottle CA fails the handshake (audited)", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([
      "--proxy",
      `http://127.0.0.1:${fx.door.port}`,
      fx.url("api.test", "/hello"),
    ]);
    assert.notEqual(result.code, 0);
    const lines = await auditSettles(fx, 1);
    assert.equal(lines[0].rule, "not-tls");
    assert.match(lines[0].reason, /TLS handshake with the client failed/);
  });
});

Deno.test("intercept: SNI that differs from the CONNECT host still gets the CONNECT host's leaf", async () => {
  await withIntercept(async (fx) => {
    await assert.rejects(
      tunnelClient(fx.door, `api.test:${fx.standIn.port}`, fx.ca.certPem, "other.test"),
    );
    const client = await tunnelClient(fx.door, `api.test:${fx.standIn.port}`, fx.ca.certPem);
    client.close();
  });
});

Deno.test("intercept: hot reload of secrets applies to the next request of an open session", async () => {
  await withIntercept(async (fx) => {
    const client = await tunnel(fx);
    try {
      const ask = async (): Promise<string> => {
        await client.send(
          `GET /reflect HTTP/1.1\r\nHost: api.test:${fx.standIn.port}\r\n\r\n`,
        );
        return content(await client.readResponse());
      };
      assert.match(await ask(), new RegExp(PLACEHOLDER));
      const rotated = "sk-rotated-9876543210zyxwvu";
      fx.proxy.setConfig(
        fx.proxy.policy,
        compileSecrets(
          { version: 1, bottle: "dev", secrets: [bearer("api.test", { value: rotated })] },
          "dev",
        ),
      );
      assert.match(await ask(), new RegExp(PLACEHOLDER));
      assert.equal(fx.standIn.requests[1].headers.authorization, `Bearer ${rotated}`);
    } finally {
      client.close();
    }
  });
});

Deno.test("intercept: plain HTTP shares the pipeline (placeholders, DLP, no cleartext injection)", async () => {
  await withIntercept(async (fx) => {
    const plain = async (url: string, headers = ""): Promise<string> => {
      const client = await RawClient.connect(fx.socket);
      try {
        await client.send(`GET ${url} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
        const response = await client.readResponse();
        return `${response.status} ${header(response, "x-bot-bottle-reason")}`;
      } finally {
        client.close();
      }
    };
    assert.match(
      await plain("http://other.test/", `X-A: ${PLACEHOLDER}\r\n`),
      /^403 .*placeholder/,
    );
    assert.match(await plain(`http://other.test/?${BLOCK_MARK}`), /^403 DLP rule "test-secret"/);
    assert.match(await plain("http://api.test/"), /^403 route "api\.test" injects a credential/);
    const rules = requestLines(fx).map((l) => [l.rule, l.intercepted]);
    assert.deepEqual(rules, [
      ["placeholder-leak", false],
      ["dlp:test-secret", false],
      ["route-requires-https", false],
    ]);
  });
});

Deno.test("intercept: base64 (Basic) secrets are redacted too", async () => {
  await withIntercept(async (fx) => {
    const result = await curl([...fx.curlArgs(), fx.url("api.test", "/reflect")]);
    const basic = Buffer.from(`user:${REAL}`).toString("base64");
    assert.equal(fx.standIn.requests[0].headers.authorization, `Basic ${basic}`);
    assert.ok(!result.stdout.includes(basic), result.stdout);
    assert.equal(
      result.stdout,
      `authorization=Basic ${
        Buffer.from(`user:${PLACEHOLDER}`).toString("base64")
      };x-api-key=;x-custom=`,
    );
  }, {
    secrets: [{
      host: "api.test",
      scheme: "basic",
      value: `user:${REAL}`,
      placeholder: `user:${PLACEHOLDER}`,
    }],
  });
});

Deno.test("intercept: without a DLP engine the proxy fails closed, saying why", async () => {
  await withIntercept(async (fx) => {
    const result = await fetchVia(fx, [fx.url("other.test", "/hello")]);
    assert.equal(result.status, 403);
    assert.match(
      result.head,
      /X-Bot-Bottle-Reason: the proxy cannot scan requests \(engine gone\)/,
    );
    const passthrough = await curl([
      "--proxy",
      `http://127.0.0.1:${fx.door.port}`,
      "--cacert",
      writeStandInCa(fx),
      fx.url("raw.test", "/hello"),
    ]);
    assert.equal(passthrough.stdout, "hello", passthrough.stderr);
    assert.equal(requestLines(fx)[0].rule, "dlp:dlp-unavailable");
  }, { dlp: unavailableDlp("engine gone") });
});

Deno.test("intercept: a host that resolves to a private address is refused per request", async () => {
  await withIntercept(async (fx) => {
    const result = await fetchVia(fx, [`https://localhost:${fx.standIn.port}/hello`]);
    assert.equal(result.status, 403);
    assert.match(result.head, /resolves to a private address/);
  });
});

function writeStandInCa(fx: Fixture): string {
  const path = `${fx.dir}/standin.crt`;
  Deno.writeTextFileSync(path, fx.standIn.caPem);
  return path;
}
