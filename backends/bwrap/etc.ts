import { SANDBOX } from "./layout.ts";

/** Files the backend writes into `<backendDir>/etc` and binds read-only over `/etc/<name>`. */
export type GeneratedEtc = Record<
  "passwd" | "group" | "hosts" | "hostname" | "nsswitch.conf",
  string
>;

export function generatedEtc(hostname: string, shell: string): GeneratedEtc {
  const { user, uid, gid, home } = SANDBOX;
  return {
    passwd: [
      "root:x:0:0:root:/root:/usr/sbin/nologin",
      `${user}:x:${uid}:${gid}:${user}:${home}:${shell}`,
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
      "",
    ].join("\n"),
    group: ["root:x:0:", `${user}:x:${gid}:`, "nogroup:x:65534:", ""].join("\n"),
    hosts: [
      `127.0.0.1\tlocalhost ${hostname}`,
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "",
    ].join("\n"),
    hostname: `${hostname}\n`,
    // Files only: no DNS, and no NSS module that would dial a daemon socket.
    "nsswitch.conf": [
      "passwd: files",
      "group: files",
      "shadow: files",
      "gshadow: files",
      "hosts: files",
      "networks: files",
      "protocols: files",
      "services: files",
      "ethers: files",
      "rpc: files",
      "netgroup: files",
      "",
    ].join("\n"),
  };
}
