import { closeQuietly } from "../conn_io.ts";

/** A test server on 127.0.0.1: its port, how many connections it took, and a clean stop. */
export interface LoopbackServer {
  port: number;
  connections(): number;
  /** Stops accepting, closes every open connection and waits for the handlers. */
  close(): Promise<void>;
}

/**
 * Accepts on 127.0.0.1 (a free port) and runs `handle` per connection, closing it after.
 * `track` registers another connection the handler opened, so `close` closes it too.
 */
export function serveLoopback(
  handle: (conn: Deno.Conn, track: (other: Deno.Conn) => void) => Promise<void>,
): LoopbackServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const handlers: Promise<void>[] = [];
  let count = 0;
  const serve = async (conn: Deno.Conn): Promise<void> => {
    const mine = [conn];
    const track = (other: Deno.Conn): void => {
      mine.push(other);
      open.add(other);
    };
    try {
      await handle(conn, track);
    } catch {
      // the peer went away
    } finally {
      for (const c of mine) {
        closeQuietly(c);
        open.delete(c);
      }
    }
  };
  const accepting = (async (): Promise<void> => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      count++;
      open.add(conn);
      handlers.push(serve(conn));
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    connections: () => count,
    async close(): Promise<void> {
      listener.close();
      for (const conn of open) closeQuietly(conn);
      await accepting;
      await Promise.all(handlers);
    },
  };
}
