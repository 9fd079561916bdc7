import type { DoorService } from "../backend.ts";
import { SANDBOX } from "./layout.ts";
import { shellQuote } from "./shell.ts";

const SOCKET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Rejects services whose port or socket name could not be forwarded safely. */
export function checkServices(services: readonly DoorService[]): void {
  const ports = new Set<number>();
  for (const service of services) {
    const { name, port, socket } = service;
    // The forwarder runs without capabilities, so it cannot bind a privileged port.
    if (!Number.isInteger(port) || port < 1024 || port > 65535) {
      throw new Error(`door service ${name}: port ${port} must be an integer in 1024–65535`);
    }
    if (ports.has(port)) throw new Error(`door service ${name}: port ${port} is used twice`);
    ports.add(port);
    if (!SOCKET_NAME.test(socket) || socket.length > 80) {
      throw new Error(`door service ${name}: socket "${socket}" must be a plain file name`);
    }
  }
}

/**
 * The sandbox's main process: one supervised forwarder per door service, exposing
 * `/run/bottle/<socket>` on 127.0.0.1:<port>, then waiting forever.
 */
export function initScript(services: readonly DoorService[], socat: string): string {
  checkServices(services);
  const lines = services.map((service) => {
    const listen = `TCP-LISTEN:${service.port},bind=127.0.0.1,reuseaddr,fork`;
    const connect = `UNIX-CONNECT:${SANDBOX.run}/${service.socket}`;
    return `while :; do ${shellQuote(socat)} ${listen} ${connect}; sleep 0.2; done &`;
  });
  return [...lines, "while :; do sleep 3600; done", ""].join("\n");
}
