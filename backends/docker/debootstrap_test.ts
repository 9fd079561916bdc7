import { assertEquals } from "../../tests/assert.ts";
import { mountsUnder } from "./debootstrap.ts";

const MOUNTINFO = [
  "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
  "30 22 0:5 / /work/root/proc rw - proc proc rw",
  "31 22 0:6 / /work/root/sys rw - sysfs sysfs rw",
  "32 30 0:7 / /work/root/proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt_misc rw",
  "33 22 0:8 / /work/root\\040two/dev rw - tmpfs tmpfs rw",
  "34 22 0:9 / /work/rootless rw - tmpfs tmpfs rw",
  "35 22 0:9 / /work/root rw - tmpfs tmpfs rw",
  "",
].join("\n");

Deno.test("debootstrap: mounts strictly below the root, deepest first, unescaped", () => {
  assertEquals(mountsUnder("/work/root", MOUNTINFO), [
    "/work/root/proc/sys/fs/binfmt_misc",
    "/work/root/proc",
    "/work/root/sys",
  ]);
  assertEquals(mountsUnder("/work/root two/", MOUNTINFO), ["/work/root two/dev"]);
  assertEquals(mountsUnder("/elsewhere", MOUNTINFO), []);
});
