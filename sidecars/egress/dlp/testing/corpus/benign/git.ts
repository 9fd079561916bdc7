/** git smart HTTP: ref discovery, fetch negotiation and pushes carrying pack data. */
import zlib from "node:zlib";
import { gitPack } from "../../benign.ts";
import { HEX, type Rng } from "../../random.ts";
import { utf8Bytes } from "../../../../../../lib/bytes.ts";
import { type AddCase, get, send } from "./common.ts";

function pkt(line: string): string {
  return (line.length + 4).toString(16).padStart(4, "0") + line;
}

/** git smart HTTP requests. */
export function gitCases(r: Rng, add: AddCase): void {
  // ---- git smart HTTP
  const gitHeaders = (service: string): [string, string][] => [
    ["User-Agent", "git/2.45.2"],
    ["Accept", `application/x-${service}-result`],
    ["Accept-Encoding", "deflate, gzip, br, zstd"],
    ["Git-Protocol", "version=2"],
    ["Content-Type", `application/x-${service}-request`],
  ];
  for (const repo of ["acme/app", "acme/infra", "torvalds/linux"]) {
    add(
      "git",
      "info/refs",
      "github.com",
      get(`/${repo}.git/info/refs?service=git-upload-pack`, [
        ["User-Agent", "git/2.45.2"],
        ["Accept", "*/*"],
        ["Git-Protocol", "version=2"],
        ["Pragma", "no-cache"],
      ]),
    );
  }
  for (let i = 0; i < 4; i++) {
    let body = pkt("command=fetch") + pkt("agent=git/2.45.2-Linux") + pkt("object-format=sha1") +
      "0001" +
      pkt("thin-pack") + pkt("ofs-delta") + pkt("no-progress");
    for (let j = 0; j < 30; j++) body += pkt(`want ${r.chars(HEX, 40)}\n`);
    for (let j = 0; j < 30; j++) body += pkt(`have ${r.chars(HEX, 40)}\n`);
    body += pkt("done\n") + "0000";
    const gz = i % 2 === 1;
    add(
      "git",
      `upload-pack fetch${gz ? " (gzip)" : ""}`,
      "github.com",
      send(
        "POST",
        "/acme/app.git/git-upload-pack",
        [
          ...gitHeaders("git-upload-pack"),
          ...(gz ? [["Content-Encoding", "gzip"] as [string, string]] : []),
        ],
        gz ? zlib.gzipSync(utf8Bytes(body)) : body,
      ),
    );
  }
  for (let i = 0; i < 4; i++) {
    const command = pkt(
      `${"0".repeat(40)} ${
        r.chars(HEX, 40)
      } refs/heads/feature-${i}\0 report-status-v2 side-band-64k ` +
        "object-format=sha1 agent=git/2.45.2\n",
    ) + "0000";
    add(
      "git",
      "receive-pack push with pack data",
      "github.com",
      send(
        "POST",
        "/acme/app.git/git-receive-pack",
        gitHeaders("git-receive-pack").filter(([n]) => n !== "Git-Protocol"),
        new Uint8Array([...utf8Bytes(command), ...gitPack(r, 40)]),
      ),
    );
  }
}
