import assert from "node:assert/strict";
import { checkServices, initArgv } from "./init.ts";

Deno.test("init: a perl reaper named bottle-init that makes itself non-dumpable", async () => {
  const argv = initArgv("/usr/bin/perl", "x86_64");
  assert.deepEqual(argv.slice(0, 2), ["/usr/bin/perl", "-e"]);
  assert.match(argv[2], /\$0 = "bottle-init"/);
  assert.match(argv[2], /syscall\(157, 4, 0/);
  assert.match(initArgv("/usr/bin/perl", "aarch64")[2], /syscall\(167, 4, 0/);
  assert.throws(() => initArgv("/usr/bin/perl", "mips"), /no prctl/);
  const syntax = await new Deno.Command("/usr/bin/perl", { args: ["-c", "-e", argv[2]] }).output();
  assert.equal(syntax.code, 0, new TextDecoder().decode(syntax.stderr));
});

Deno.test("door services: ports and socket names are checked", () => {
  checkServices([{ name: "egress", port: 3128, socket: "egress.sock" }]);
  assert.throws(() => checkServices([{ name: "a", port: 80, socket: "a" }]), /1024/);
  assert.throws(() => checkServices([{ name: "a", port: 4000, socket: "../x" }]), /plain file/);
});
