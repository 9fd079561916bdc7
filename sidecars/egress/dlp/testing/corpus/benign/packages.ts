/** Package managers at work: npm, lockfiles to scanners and CI, pip, cargo, go. */
import zlib from "node:zlib";
import { packageJson, sourceCode, tarball } from "../../benign.ts";
import { HEX, type Rng } from "../../random.ts";
import { base64, zipArchive } from "../encode.ts";
import { utf8Bytes } from "../../../../../../lib/bytes.ts";
import {
  type AddCase,
  b64,
  CRATES,
  get,
  GO,
  HTTPS_ONLY,
  PACKAGES,
  PIP_HEADERS,
  PY,
  send,
  uuid,
  version,
} from "./common.ts";
import { LOCKFILES } from "./documents.ts";

/** npm, lockfiles, pip, cargo and go requests, in that order. */
export function packageCases(r: Rng, add: AddCase, ph: Record<string, string>): void {
  // ---- npm
  const npmHeaders = (command: string): [string, string][] => [
    ["User-Agent", "npm/10.8.2 node/v22.11.0 linux x64 workspaces/false"],
    ["Accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*"],
    ["Accept-Encoding", "gzip, deflate, br"],
    ["Npm-Command", command],
    ["Npm-Session", r.chars(HEX, 16)],
    ["Pacote-Version", "18.0.6"],
    ["Pacote-Req-Type", "packument"],
  ];
  for (const name of PACKAGES) {
    add(
      "npm",
      `packument ${name}`,
      "registry.npmjs.org",
      get(`/${name.replace("/", "%2f")}`, npmHeaders("install")),
    );
  }
  for (let i = 0; i < 8; i++) {
    const name = r.pick(PACKAGES);
    const base = name.split("/").pop();
    add(
      "npm",
      "tarball",
      "registry.npmjs.org",
      get(`/${name}/-/${base}-${version(r)}.tgz`, npmHeaders("ci")),
    );
  }
  for (let i = 0; i < 4; i++) {
    const audit: Record<string, string[]> = {};
    for (let j = 0; j < 30; j++) audit[`${r.pick(PACKAGES)}${j}`] = [version(r)];
    add(
      "npm",
      "audit bulk (gzip)",
      "registry.npmjs.org",
      send(
        "POST",
        "/-/npm/v1/security/advisories/bulk",
        [...npmHeaders("audit"), ["Content-Type", "application/json"], [
          "Content-Encoding",
          "gzip",
        ]],
        zlib.gzipSync(utf8Bytes(JSON.stringify(audit))),
      ),
    );
  }
  for (let i = 0; i < 3; i++) {
    const v = version(r);
    const tgz = tarball(r, 8_000);
    const manifest = JSON.parse(packageJson(r));
    add(
      "npm",
      "publish (packument with base64 tarball)",
      "registry.npmjs.org",
      send(
        "PUT",
        `/${encodeURIComponent(manifest.name)}`,
        [...npmHeaders("publish"), ["Content-Type", "application/json"]],
        JSON.stringify({
          _id: manifest.name,
          name: manifest.name,
          "dist-tags": { latest: v },
          versions: {
            [v]: {
              ...manifest,
              version: v,
              dist: {
                integrity: `sha512-${b64(r.bytes(64))}`,
                shasum: r.chars(HEX, 40),
                tarball: `https://registry.npmjs.org/${manifest.name}/-/x-${v}.tgz`,
              },
            },
          },
          _attachments: {
            [`x-${v}.tgz`]: {
              content_type: "application/octet-stream",
              data: b64(tgz),
              length: tgz.length,
            },
          },
        }),
      ),
    );
  }

  // ---- lockfiles: to a dependency scanner, as CI artifacts, through the GitHub contents API
  for (const [file, make] of LOCKFILES) {
    const text = make(r, 40);
    add(
      "lockfile",
      `${file} as an artifact`,
      "artifacts.ci.example.com",
      send(
        "PUT",
        `/v1/artifacts/${uuid(r)}/${file}`,
        [["User-Agent", "actions/upload-artifact"], ["Content-Type", "text/plain"]],
        text,
      ),
    );
    add(
      "lockfile",
      `${file} to a scanner (JSON)`,
      "api.osv.dev",
      send(
        "POST",
        "/v1experimental/determineversion",
        [["User-Agent", "osv-scanner/1.8.1"], ["Content-Type", "application/json"]],
        JSON.stringify({ name: file, contents: text }),
      ),
    );
    add(
      "lockfile",
      `${file} committed (GitHub contents API, base64)`,
      "api.github.com",
      send(
        "PUT",
        `/repos/acme/app/contents/${file}`,
        [
          ["Accept", "application/vnd.github+json"],
          ["Authorization", `Bearer ${ph["api.github.com"]}`],
          ["X-GitHub-Api-Version", "2022-11-28"],
          ["Content-Type", "application/json"],
        ],
        JSON.stringify({
          message: `chore: update ${file}`,
          content: base64(text),
          sha: r.chars(HEX, 40),
        }),
      ),
      HTTPS_ONLY,
    );
  }

  // ---- pip
  for (const name of PY) {
    add("pip", `simple index ${name}`, "pypi.org", get(`/simple/${name}/`, PIP_HEADERS));
  }
  for (let i = 0; i < 5; i++) {
    const name = r.pick(PY);
    add(
      "pip",
      "wheel download",
      "files.pythonhosted.org",
      get(
        `/packages/${r.chars(HEX, 2)}/${r.chars(HEX, 2)}/${r.chars(HEX, 60)}/${name}-${
          version(r)
        }-py3-none-any.whl`,
        PIP_HEADERS,
      ),
    );
  }
  {
    const wheel = zipArchive([
      ["pkg/__init__.py", sourceCode(r, 30)],
      ["pkg-1.0.0.dist-info/RECORD", `pkg/__init__.py,sha256=${b64(r.bytes(32))},1234\n`],
    ]);
    const boundary = `----${r.chars(HEX, 32)}`;
    const field = (name: string, value: string): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = new Uint8Array([
      ...utf8Bytes(
        field(":action", "file_upload") + field("protocol_version", "1") + field("name", "pkg") +
          field("version", "1.0.0") + field("filetype", "bdist_wheel") +
          field("sha256_digest", r.chars(HEX, 64)) + field("blake2_256_digest", r.chars(HEX, 64)) +
          `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="pkg-1.0.0-py3-none-any.whl"\r\n` +
          "Content-Type: application/octet-stream\r\n\r\n",
      ),
      ...wheel,
      ...utf8Bytes(`\r\n--${boundary}--\r\n`),
    ]);
    add(
      "pip",
      "twine upload (multipart wheel)",
      "upload.pypi.org",
      send(
        "POST",
        "/legacy/",
        [["User-Agent", "twine/5.1.1"], [
          "Content-Type",
          `multipart/form-data; boundary=${boundary}`,
        ]],
        body,
      ),
    );
  }

  // ---- cargo
  const cargoHeaders: [string, string][] = [["User-Agent", "cargo/1.81.0 (2dbb1af80 2024-08-20)"], [
    "Accept",
    "*/*",
  ]];
  for (const name of CRATES.slice(0, 5)) {
    add(
      "cargo",
      `sparse index ${name}`,
      "index.crates.io",
      get(`/${name.slice(0, 2)}/${name.slice(2, 4)}/${name}`, cargoHeaders),
    );
  }
  add("cargo", "index config", "index.crates.io", get("/config.json", cargoHeaders));
  for (let i = 0; i < 4; i++) {
    const name = r.pick(CRATES);
    add(
      "cargo",
      "crate download",
      "static.crates.io",
      get(`/crates/${name}/${name}-${version(r)}.crate`, cargoHeaders),
    );
  }

  // ---- go
  const goHeaders: [string, string][] = [["User-Agent", "Go-http-client/1.1"], [
    "Accept-Encoding",
    "gzip",
  ]];
  for (const mod of GO) {
    const v = `v${version(r)}`;
    for (const suffix of ["/@v/list", `/@v/${v}.info`, `/@v/${v}.mod`, `/@v/${v}.zip`]) {
      add(
        "go",
        `module ${suffix.split(".").pop()}`,
        "proxy.golang.org",
        get(`/${mod}${suffix}`, goHeaders),
      );
    }
    add("go", "checksum db lookup", "sum.golang.org", get(`/lookup/${mod}@${v}`, goHeaders));
  }
}
