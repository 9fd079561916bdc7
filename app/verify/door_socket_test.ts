import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  type DoorSocketObservation,
  judgeDoorSocket,
  type ListenSocket,
  loopbackListeners,
  parseListenSockets,
} from "./door_socket.ts";

const TCP = [
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  "   0: 0100007F:0C38 00000000:0000 0A 00000000:00000000 00:00000000 00000000   995        0 765135 1 0 100 0 0 10 0",
  "   1: 0100007F:0C38 0100007F:9A3C 01 00000000:00000000 00:00000000 00000000   995        0 765999 1 0 20 4 30 10 -1",
  "   2: 0200007F:0C38 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0",
  "   3: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 42 1 0 100 0 0 10 0",
].join("\n");
const TCP6 = [
  "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  "   0: 00000000000000000000000000000000:0C38 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 77 1 0 100 0 0 10 0",
].join("\n");

Deno.test("parseListenSockets: LISTEN rows only, address, port and inode", () => {
  assertEquals(parseListenSockets(TCP, "tcp"), [
    { table: "tcp", address: "0100007F", port: 3128, inode: 765135 },
    { table: "tcp", address: "0200007F", port: 3128, inode: 1 },
    { table: "tcp", address: "00000000", port: 8080, inode: 42 },
  ]);
  assertEquals(parseListenSockets("header only\n", "tcp"), []);
});

Deno.test("loopbackListeners: 127.0.0.1, wildcards and v4-mapped forms, not 127.0.0.2", () => {
  const all = [...parseListenSockets(TCP, "tcp"), ...parseListenSockets(TCP6, "tcp6")];
  assertEquals(loopbackListeners(all, 3128).map((socket) => socket.inode), [765135, 77]);
  assertEquals(loopbackListeners(all, 8080).map((socket) => socket.inode), [42]);
});

Deno.test({
  name: "parseListenSockets reads this process's own listener from /proc/self/net/tcp",
  ignore: Deno.build.os !== "linux",
  fn(): void {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const port = (listener.addr as Deno.NetAddr).port;
      const table = Deno.readTextFileSync("/proc/self/net/tcp");
      const found = loopbackListeners(parseListenSockets(table, "tcp"), port);
      assertEquals(found.length, 1);
      const ours = [...Deno.readDirSync("/proc/self/fd")].map((entry) => {
        try {
          return Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
        } catch {
          return "";
        }
      });
      assertEquals(ours.includes(`socket:[${found[0].inode}]`), true);
    } finally {
      listener.close();
    }
  },
});

const socket: ListenSocket = { table: "tcp", address: "0100007F", port: 3128, inode: 765135 };
const observe = (overrides: Partial<DoorSocketObservation>): DoorSocketObservation => ({
  port: 3128,
  keeper: { pid: 500, alive: true },
  sockets: [socket],
  holders: new Map([[765135, [{ pid: 503, name: "socat", place: "door" }]]]),
  ...overrides,
});

Deno.test("door socket: held by the keeper's forwarder alone passes", () => {
  assertEquals(judgeDoorSocket(observe({})), {
    verdict: "PASS",
    evidence: "127.0.0.1:3128 inside: socket 765135 (tcp 0100007F:3128) is held by socat " +
      "(host pid 503) in the door keeper's session (host pid 500), outside the sandbox",
  });
});

Deno.test("door socket: a squatter inside, no holder, no listener or no keeper fails", () => {
  const squatted = judgeDoorSocket(observe({
    holders: new Map([[765135, [{ pid: 900, name: "python3", place: "sandbox" }]]]),
  }));
  assertEquals(squatted, {
    verdict: "FAIL",
    evidence: "127.0.0.1:3128 inside: socket 765135 (tcp 0100007F:3128) is held inside the " +
      "sandbox by python3 (host pid 900)",
  });
  assertMatch(
    judgeDoorSocket(observe({ holders: new Map() })).evidence,
    /is held by no process of the door keeper's/,
  );
  // A second listener (a v6 wildcard the agent bound) beside the forwarder's.
  const beside = judgeDoorSocket(observe({
    sockets: [socket, { table: "tcp6", address: "0".repeat(32), port: 3128, inode: 9 }],
    holders: new Map([
      [765135, [{ pid: 503, name: "socat", place: "door" }]],
      [9, [{ pid: 901, name: "nc", place: "sandbox" }]],
    ]),
  }));
  assertEquals(beside.verdict, "FAIL");
  assertMatch(beside.evidence, /socket 9 .* held inside the sandbox by nc/);
  assertEquals(judgeDoorSocket(observe({ sockets: [] })), {
    verdict: "FAIL",
    evidence: "nothing listens on 127.0.0.1:3128 inside (seen from the host)",
  });
  assertMatch(judgeDoorSocket(observe({ keeper: null })).evidence, /records no door keeper/);
  assertMatch(
    judgeDoorSocket(observe({ keeper: { pid: 500, alive: false } })).evidence,
    /door keeper \(host pid 500\) is gone/,
  );
});
