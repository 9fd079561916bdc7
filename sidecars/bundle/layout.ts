/** Where a bundle's sockets live in the bottle's run directory (the door). */

import { join } from "node:path";

export const EGRESS_SOCKET = "egress.sock";

export function bundleSockets(runDir: string): Record<string, string> {
  return { egress: join(runDir, EGRESS_SOCKET) };
}
