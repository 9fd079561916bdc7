import assert from "node:assert/strict";
import { listeningPortsOf, loopbackListeners } from "./listening.ts";

const TCP =
  `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0C38 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1
   2: 0100007F:24D2 0100007F:C000 01 00000000:00000000 00:00000000 00000000  1000        0 3 1
`;
const TCP6 = `  sl  local_address                         remote_address                        st
   0: 0000000000000000FFFF00000100007F:21FC 00000000000000000000000000000000:0000 0A
   1: 00000000000000000000000001000000:2328 00000000000000000000000000000000:0000 0A
`;

Deno.test("only LISTEN sockets on 127.0.0.1 count", () => {
  assert.deepEqual([...loopbackListeners(TCP)], [3128]);
  assert.deepEqual([...loopbackListeners(TCP6)], [8700]);
  assert.deepEqual([...loopbackListeners("header only\n")], []);
});

Deno.test("a pid that does not exist listens on nothing", () => {
  assert.equal(listeningPortsOf(2 ** 30).size, 0);
});
