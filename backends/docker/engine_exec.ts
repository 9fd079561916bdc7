/**
 * `docker exec` without a TTY through the Engine API on the daemon's Unix socket, instead of
 * the docker CLI: the CLI's own start-up was most of what `bottle exec` added on top of a
 * plain `docker exec` (bench: tests/bench/docker.ts). Create the exec, start it on a hijacked
 * connection (stdin written to it, closed for writing at its end; stdout and stderr come back
 * multiplexed in frames), then read its exit code. The environment travels in the request
 * body, never in argv. With a TTY, or where no Docker socket is known (Podman, a TCP
 * DOCKER_HOST), the CLI is used (backend.ts).
 */
/** Something bytes are written to: stdout, stderr, a capture file, a connection. */
export interface Writer {
  write(data: Uint8Array): Promise<number>;
}

export interface EngineExec {
  container: string;
  user: string;
  env: Record<string, string>;
  cwd: string;
  argv: string[];
}

/** The daemon's Unix socket when the docker CLI would use one, else null. */
export function engineSocket(env: Record<string, string | undefined>): string | null {
  if (env.BOT_BOTTLE_DOCKER && env.BOT_BOTTLE_DOCKER !== "docker") return null;
  if (env.DOCKER_CONTEXT) return null;
  const host = env.DOCKER_HOST;
  if (host) return host.startsWith("unix://") ? host.slice("unix://".length) : null;
  return "/var/run/docker.sock";
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One HTTP/1.1 request on a fresh connection: the status, headers read, and the connection. */
async function request(
  socket: string,
  method: string,
  path: string,
  body: unknown,
  upgrade: boolean,
): Promise<{ status: number; rest: Uint8Array; conn: Deno.UnixConn }> {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  const payload = body === undefined ? new Uint8Array() : encoder.encode(JSON.stringify(body));
  const head = [
    `${method} ${path} HTTP/1.1`,
    "Host: docker",
    "Content-Type: application/json",
    `Content-Length: ${payload.length}`,
    ...(upgrade ? ["Connection: Upgrade", "Upgrade: tcp"] : ["Connection: close"]),
    "",
    "",
  ].join("\r\n");
  await writeAll(conn, encoder.encode(head));
  await writeAll(conn, payload);
  let buffer: Uint8Array<ArrayBuffer> = new Uint8Array();
  for (;;) {
    const end = indexOfHeaderEnd(buffer);
    if (end >= 0) {
      const status = Number(decoder.decode(buffer.subarray(0, end)).split(" ")[1]);
      return { status, rest: buffer.subarray(end + 4), conn };
    }
    const chunk = new Uint8Array(16 * 1024);
    const n = await conn.read(chunk);
    if (n === null) throw new Error(`docker engine: ${method} ${path}: connection closed`);
    buffer = concat(buffer, chunk.subarray(0, n));
  }
}

/** A JSON answer: reads the connection to its end (Connection: close). */
async function json(
  socket: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; value: unknown }> {
  const { status, rest, conn } = await request(socket, method, path, body, false);
  let data = rest;
  try {
    const chunk = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(chunk);
      if (n === null) break;
      data = concat(data, chunk.subarray(0, n));
    }
  } finally {
    conn.close();
  }
  const text = dechunk(decoder.decode(data));
  return { status, value: text.trim() === "" ? null : JSON.parse(text) };
}

/** Runs the exec; resolves to its exit status. Output goes to `out` and `err`. */
export async function engineExec(
  socket: string,
  exec: EngineExec,
  io: { stdin: ReadableStream<Uint8Array> | null; out: Writer; err: Writer },
): Promise<number> {
  const stop = new AbortController();
  const created = await json(socket, "POST", `/containers/${exec.container}/exec`, {
    AttachStdin: io.stdin !== null,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Cmd: exec.argv,
    Env: Object.entries(exec.env).map(([name, value]) => `${name}=${value}`),
    User: exec.user,
    WorkingDir: exec.cwd,
  });
  const id = (created.value as { Id?: string; message?: string } | null)?.Id;
  if (created.status !== 201 || !id) {
    const message = (created.value as { message?: string } | null)?.message ?? created.status;
    throw new Error(`docker exec in ${exec.container}: ${message}`);
  }
  const started = await request(
    socket,
    "POST",
    `/exec/${id}/start`,
    { Detach: false, Tty: false },
    true,
  );
  if (started.status !== 101 && started.status !== 200) {
    started.conn.close();
    throw new Error(`docker exec start: HTTP ${started.status}`);
  }
  const conn = started.conn;
  if (io.stdin) feed(io.stdin, conn, stop.signal);
  else await conn.closeWrite().catch(() => {});
  try {
    await demultiplex(conn, started.rest, io.out, io.err);
  } finally {
    stop.abort(); // stop copying stdin: the command has ended
    conn.close();
  }
  const inspected = await json(socket, "GET", `/exec/${id}/json`);
  const code = (inspected.value as { ExitCode?: number } | null)?.ExitCode;
  if (typeof code !== "number") throw new Error(`docker exec ${id}: no exit code`);
  return code;
}

/** Copies stdin to the exec until it ends (then closes for writing) or `signal` fires. */
function feed(stdin: ReadableStream<Uint8Array>, conn: Deno.UnixConn, signal: AbortSignal): void {
  const sink = new WritableStream<Uint8Array>({
    write: (chunk) => writeAll(conn, chunk),
    close: () => conn.closeWrite(),
  });
  // The command may end before it reads all its input: that is no failure of ours.
  stdin.pipeTo(sink, { signal, preventCancel: true }).catch(() => {});
}

/** Frames of [stream, 0, 0, 0, size (4 bytes, big-endian)] then `size` bytes. */
async function demultiplex(
  conn: Deno.UnixConn,
  first: Uint8Array,
  out: Writer,
  err: Writer,
): Promise<void> {
  let buffer: Uint8Array = first;
  const chunk = new Uint8Array(64 * 1024);
  for (;;) {
    while (buffer.length >= 8) {
      const size = new DataView(buffer.buffer, buffer.byteOffset).getUint32(4);
      if (buffer.length < 8 + size) break;
      const target = buffer[0] === 2 ? err : out;
      await writeAll(target, buffer.subarray(8, 8 + size));
      buffer = buffer.subarray(8 + size);
    }
    const n = await conn.read(chunk);
    if (n === null) return;
    buffer = concat(buffer, chunk.subarray(0, n));
  }
}

async function writeAll(writer: Writer, data: Uint8Array): Promise<void> {
  let written = 0;
  while (written < data.length) written += await writer.write(data.subarray(written));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function indexOfHeaderEnd(buffer: Uint8Array): number {
  for (let i = 0; i + 3 < buffer.length; i++) {
    if (buffer[i] === 13 && buffer[i + 1] === 10 && buffer[i + 2] === 13 && buffer[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** A chunked body's data (or the body as it is when not chunked). */
function dechunk(text: string): string {
  if (!/^[0-9a-fA-F]+\r\n/.test(text)) return text;
  let out = "";
  let rest = text;
  for (;;) {
    const line = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}
