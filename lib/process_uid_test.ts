import { assertEquals } from "../tests/assert.ts";
import { realUid } from "./process_uid.ts";

Deno.test("process uid: this process's, and none for a pid above the kernel's limit", () => {
  assertEquals(realUid(Deno.pid), Deno.uid());
  assertEquals(realUid(2 ** 22 + 7), null);
});
