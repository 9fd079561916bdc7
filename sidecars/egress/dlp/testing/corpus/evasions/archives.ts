/** The secret packed: a zip upload, a tar.gz member, a .gz file body. */
import zlib from "node:zlib";
import type { Rng } from "../../random.ts";
import { tarArchive, zipArchive } from "../encode.ts";
import { utf8Bytes } from "../../../../../../lib/bytes.ts";
import { type AddEvasion, mention, post, tokens } from "./common.ts";

/** Zip, tar.gz and gzip file uploads. */
export function archiveEvasions(r: Rng, add: AddEvasion): void {
  tokens(r, 4, 6).forEach((s, i) => {
    const assigned = i >= 2;
    const zip = zipArchive([
      ["README.md", "# project\n\nSee docs/.\n"],
      [assigned ? ".env" : "notes.txt", mention(s.text, assigned)],
    ]);
    add(
      "zip upload",
      `${s.rule} in a deflated zip member (${i % 2 ? "multipart" : "raw"}${
        assigned ? ", .env" : ""
      })`,
      [
        i % 2
          ? post(
            "/v1/upload",
            "multipart/form-data; boundary=zz",
            new Uint8Array([
              ...utf8Bytes(
                `--zz\r\nContent-Disposition: form-data; name="file"; filename="src.zip"\r\n` +
                  `Content-Type: application/zip\r\n\r\n`,
              ),
              ...zip,
              ...utf8Bytes("\r\n--zz--\r\n"),
            ]),
          )
          : post("/v1/upload/src.zip", "application/zip", zip),
      ],
      [s.secret],
    );
  });
  tokens(r, 4, 7).forEach((s, i) => {
    const assigned = i >= 2;
    const tgz = zlib.gzipSync(tarArchive([
      ["project/README.md", "# project\n"],
      [assigned ? "project/.env" : "project/notes.txt", mention(s.text, assigned)],
    ]));
    add("tar.gz upload", `${s.rule} in a tar.gz member${assigned ? " (.env)" : ""}`, [
      post("/v1/upload/backup.tar.gz", "application/gzip", tgz),
    ], [s.secret]);
  });
  tokens(r, 4, 2).forEach((s) => {
    add("gz file body", `${s.rule} in a .gz file body (no Content-Encoding)`, [
      post(
        "/v1/upload/notes.txt.gz",
        "application/octet-stream",
        zlib.gzipSync(utf8Bytes(`token ${s.text}\n`)),
      ),
    ], [s.secret]);
  });
}
