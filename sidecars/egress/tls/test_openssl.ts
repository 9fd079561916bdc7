/** Test helper: the openssl CLI's view of a certificate (an independent parser). */

export async function opensslText(certPem: string): Promise<string> {
  return await openssl(["x509", "-noout", "-text"], certPem);
}

/** `openssl verify -CAfile ca` of `certPem`; resolves the output, rejects on failure. */
export async function opensslVerify(
  caPem: string,
  certPem: string,
  extra: string[] = [],
): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "openssl-" });
  try {
    Deno.writeTextFileSync(`${dir}/ca.pem`, caPem);
    return await openssl(["verify", "-CAfile", `${dir}/ca.pem`, ...extra], certPem);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function openssl(args: string[], input: string): Promise<string> {
  const child = new Deno.Command("openssl", {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`openssl ${args.join(" ")} failed: ${text}`);
  return text;
}
