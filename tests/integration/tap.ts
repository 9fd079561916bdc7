/**
 * A TCP relay on 127.0.0.1 in front of a stand-in that keeps every byte sent towards it, so a
 * test can assert what never reached the provider in any form, even in a request the proxy cut
 * off mid-body (which the stand-in itself never records). Test use only.
 */
import { Buffer } from "node:buffer";
import { hex, latin1, utf8Bytes } from "../../lib/bytes.ts";

export interface Tap {
  port: number;
  /** Everything sent to the stand-in so far (latin1), connections concatenated. */
  sent(): string;
  close(): Promise<void>;
}

export function startTap(targetPort: number): Tap {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const chunks: string[] = [];
  const open = new Set<Deno.Conn>();
  const relays: Promise<void>[] = [];
  const relay = async (client: Deno.Conn): Promise<void> => {
    let server: Deno.Conn;
    try {
      server = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
    } catch {
      client.close();
      return;
    }
    open.add(server);
    const recording = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller): void {
        chunks.push(latin1(chunk));
        controller.enqueue(chunk);
      },
    });
    await Promise.all([
      client.readable.pipeThrough(recording).pipeTo(server.writable).catch(() => {}),
      server.readable.pipeTo(client.writable).catch(() => {}),
    ]);
    open.delete(client);
    open.delete(server);
  };
  const accepting = (async (): Promise<void> => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      open.add(conn);
      relays.push(relay(conn));
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    sent: () => chunks.join(""),
    async close(): Promise<void> {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // already closed
        }
      }
      await accepting;
      await Promise.allSettled(relays);
    },
  };
}

/** The forms a secret would take in a request body: raw, hex, base64 at every alignment. */
export function encodedForms(secret: string): string[] {
  const forms = [secret, hex(utf8Bytes(secret))];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.from("\0".repeat(offset) + secret).toString("base64");
    // The characters that depend on the secret alone, wherever it sits in a longer text.
    const core = encoded.slice(
      Math.ceil((8 * offset) / 6),
      Math.floor((8 * (offset + secret.length)) / 6),
    );
    forms.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return forms;
}
