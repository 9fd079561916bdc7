import { closeQuietly } from "../conn_io.ts";

/** A test server on 127.0.0.1: its port, its connections, and a clean stop. */
export interface LoopbackServer {
  port: number;
  /** How many connections it accepted. */
  connections(): number;
  /** How many are open now (accepted or tracked, their handlers not ended). */
  open(): number;
  /** Stops accepting, closes every open connection and waits for the handlers. */
  close(): Promise<void>;
}

/** Handles one accepted connection; `track` registers another one it opened (closed with it). */
export type ConnectionHandler = (
  conn: Deno.Conn,
  track: (other: Deno.Conn) => void,
) => Promise<void>;

/** Accepts on 127.0.0.1 (a free port) and runs `handle` per connection (see `serveOn`). */
export function serveLoopback(handle: ConnectionHandler): LoopbackServer {
  return serveOn(Deno.listen({ hostname: "127.0.0.1", port: 0 }), handle);
}

/**
 * Accepts on `listener` (plain or TLS, on 127.0.0.1) until it is closed and runs `handle` per
 * connection. When the handler ends, however it ends, its connection and the ones it tracked
 * are closed; an error it throws (the peer went away) ends that connection only.
 */
export function serveOn(listener: Deno.Listener, handle: ConnectionHandler): LoopbackServer {
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
    open: () => open.size,
    async close(): Promise<void> {
      listener.close();
      for (const conn of open) closeQuietly(conn);
      await accepting;
      await Promise.all(handlers);
    },
  };
}
