/**
 * Everyday traffic: the GitHub REST API (a credentialed route), Hugging Face, Maven and PyPI
 * JSON, ordinary headers, source uploads and id-heavy JSON.
 */
import { idsJson, ordinaryHeaders, sourceCode } from "../../benign.ts";
import { BASE64URL, HEX, LOWER, type Rng } from "../../random.ts";
import { type AddCase, get, HTTPS_ONLY, PACKAGES, PIP_HEADERS, PY, send, uuid } from "./common.ts";

/** GitHub, Hugging Face, Maven, PyPI JSON, then everyday traffic. */
export function everydayCases(r: Rng, add: AddCase, ph: Record<string, string>): void {
  // ---- GitHub REST (credentialed route), Hugging Face, Maven, PyPI JSON
  const gh: [string, string][] = [
    ["Accept", "application/vnd.github+json"],
    ["Authorization", `Bearer ${ph["api.github.com"]}`],
    ["X-GitHub-Api-Version", "2022-11-28"],
    ["User-Agent", "gh/2.55.0"],
  ];
  const ghJson: [string, string][] = [...gh, ["Content-Type", "application/json"]];
  add(
    "github api",
    "list pulls",
    "api.github.com",
    get("/repos/acme/app/pulls?state=open&per_page=100", gh),
    HTTPS_ONLY,
  );
  add(
    "github api",
    "workflow runs",
    "api.github.com",
    get("/repos/acme/app/actions/runs?branch=main&per_page=20", gh),
    HTTPS_ONLY,
  );
  add(
    "github api",
    "commit",
    "api.github.com",
    get(`/repos/acme/app/commits/${r.chars(HEX, 40)}`, gh),
    HTTPS_ONLY,
  );
  add("github api", "current user", "api.github.com", get("/user", gh), HTTPS_ONLY);
  for (let i = 0; i < 3; i++) {
    add(
      "github api",
      "issue comment with code",
      "api.github.com",
      send(
        "POST",
        `/repos/acme/app/issues/${1 + r.int(500)}/comments`,
        ghJson,
        JSON.stringify({ body: `Repro:\n\n\`\`\`ts\n${sourceCode(r, 15)}\`\`\`\n` }),
      ),
      HTTPS_ONLY,
    );
  }
  add(
    "github api",
    "open a pull request",
    "api.github.com",
    send(
      "POST",
      "/repos/acme/app/pulls",
      ghJson,
      JSON.stringify({
        title: "fix: retry on 502",
        head: "fix/retry",
        base: "main",
        body: "Retries with backoff. Set `DATABASE_URL=postgres://app@localhost:5432/app` locally.",
      }),
    ),
    HTTPS_ONLY,
  );
  for (
    const model of [
      "bert-base-uncased",
      "openai-community/gpt2",
      "sentence-transformers/all-MiniLM-L6-v2",
    ]
  ) {
    const hfHeaders: [string, string][] = [[
      "User-Agent",
      "huggingface_hub/0.24.5; python/3.12.3; torch/2.4.0",
    ]];
    add(
      "model downloads",
      "Hugging Face revision",
      "huggingface.co",
      get(`/api/models/${model}/revision/main`, hfHeaders),
    );
    add(
      "model downloads",
      "Hugging Face file",
      "huggingface.co",
      get(`/${model}/resolve/main/config.json`, hfHeaders),
    );
  }
  for (
    const [group, artifact, v] of [["org/slf4j", "slf4j-api", "2.0.13"], [
      "com/google/guava",
      "guava",
      "33.2.1-jre",
    ]]
  ) {
    const mvn: [string, string][] = [[
      "User-Agent",
      "Apache-Maven/3.9.8 (Java 21.0.4; Linux 6.8.0)",
    ]];
    for (const ext of [".pom", ".jar", ".jar.sha1"]) {
      add(
        "maven",
        `artifact ${ext}`,
        "repo1.maven.org",
        get(`/maven2/${group}/${artifact}/${v}/${artifact}-${v}${ext}`, mvn),
      );
    }
  }
  for (const name of PY.slice(0, 3)) {
    add("pip", `JSON API ${name}`, "pypi.org", get(`/pypi/${name}/json`, PIP_HEADERS));
  }

  // ---- everyday traffic: ordinary headers, source uploads, id-heavy JSON
  for (let i = 0; i < 12; i++) {
    const headers = ordinaryHeaders(r)
      .filter((h) => !["host", "content-type"].includes(h.name.toLowerCase()))
      .map((h) => [h.name, h.value] as [string, string]);
    add(
      "ordinary headers",
      "GET with cookies, etags, trace ids",
      "registry.npmjs.org",
      get(`/${r.pick(PACKAGES)}`, headers),
    );
  }
  for (let i = 0; i < 4; i++) {
    add(
      "source code",
      "source file upload",
      "artifacts.ci.example.com",
      send(
        "PUT",
        `/v1/artifacts/${uuid(r)}/src/${r.chars(LOWER, 8)}.ts`,
        [["Content-Type", "text/plain"]],
        sourceCode(r, 200),
      ),
    );
    add(
      "ids json",
      "JSON full of UUIDs, SHAs, digests",
      "api.osv.dev",
      send(
        "POST",
        "/v1/querybatch",
        [["Content-Type", "application/json"]],
        idsJson(r, 200),
      ),
    );
  }
  for (let i = 0; i < 3; i++) {
    add(
      "oauth and sessions",
      "form with session ids and a PKCE verifier",
      "auth.example.dev",
      send(
        "POST",
        "/oauth/token",
        [["Content-Type", "application/x-www-form-urlencoded"]],
        `grant_type=authorization_code&client_id=${uuid(r)}&redirect_uri=${
          encodeURIComponent("http://127.0.0.1:8976/callback")
        }` +
          `&code_verifier=${r.chars(BASE64URL, 64)}&state=${r.chars(HEX, 32)}`,
      ),
    );
  }
}
