/**
 * A TCP relay on 127.0.0.1 in front of a stand-in that keeps every byte sent towards it, so a
 * test can assert what never reached the provider in any form, even in a request the proxy cut
 * off mid-body (which the stand-in itself never records). Test use only.
 */
import { base64Core, hex, latin1, utf8Bytes } from "../../lib/bytes.ts";
import { serveLoopback } from "../../sidecars/egress/testing/listener.ts";

export interface Tap {
  port: number;
  /** Everything sent to the stand-in so far (latin1), connections concatenated. */
  sent(): string;
  close(): Promise<void>;
}

export function startTap(targetPort: number): Tap {
  const chunks: string[] = [];
  const relay = serveLoopback(async (client, track) => {
    const server = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
    track(server);
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
  });
  return { port: relay.port, sent: () => chunks.join(""), close: relay.close };
}

/** The forms a secret would take in a request body: raw, hex, base64 at every alignment. */
export function encodedForms(secret: string): string[] {
  const bytes = utf8Bytes(secret);
  const forms = [secret, hex(bytes)];
  for (const offset of [0, 1, 2]) {
    forms.push(base64Core(latin1(bytes), offset), base64Core(latin1(bytes), offset, "base64url"));
  }
  return forms;
}
