/** The operator's side of an SSH upstream: its ssh command and a checkout cloned with it. */
import { join } from "node:path";
import { run } from "../../lib/command.ts";
import type { SshUpstream } from "./git_upstream_ssh.ts";

/** `GIT_SSH_COMMAND` for the upstream's key, its host key pinned in `knownHostsFile`. */
export function sshCommand(upstream: SshUpstream, knownHostsFile: string): string {
  return `ssh -F /dev/null -i ${upstream.privateKeyPath} -o IdentitiesOnly=yes ` +
    `-o BatchMode=yes -o UserKnownHostsFile=${knownHostsFile} -o StrictHostKeyChecking=yes`;
}

/** A clone of the upstream in `base/checkout`, as the operator's workspace to seed from. */
export async function operatorCheckout(upstream: SshUpstream, base: string): Promise<string> {
  const knownHosts = join(base, "known_hosts");
  await Deno.writeTextFile(knownHosts, `${upstream.knownHostsLine}\n`);
  const checkout = join(base, "checkout");
  await run("git", ["clone", "-q", upstream.url, checkout], {
    env: { GIT_SSH_COMMAND: sshCommand(upstream, knownHosts) },
  });
  return checkout;
}
