/**
 * The mirrors' pre-receive hook: a small perl script (perl-base builtins only, like the
 * bundle supervisor) that hands the push to the daemon on `hook.sock` and relays its verdict.
 * Request, one item a line: `env NAME=VALUE` for the quarantine's location and the push id,
 * `ref OLD NEW REF` per update, then `end`. Reply: `msg TEXT` lines (shown to the pusher as
 * `remote: TEXT`) and a final `exit N`.
 */

import { join } from "node:path";
import { GATE_HOOK_SOCKET } from "./wire.ts";

/** The variable receive-pack passes down to the hook: which request this push is. */
export const PUSH_ID_ENV = "BOT_BOTTLE_GATE_PUSH";
export const HOOK_ENV = [
  "GIT_DIR",
  "GIT_QUARANTINE_PATH",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  PUSH_ID_ENV,
];
/** The hook gives up (refusing the push) after this long without a verdict. */
export const HOOK_TIMEOUT_SECONDS = 900;

function perlString(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

export function hookScript(gateDir: string): string {
  return `#!/usr/bin/perl
# The git gate's pre-receive hook, written by the gate daemon (edits are overwritten).
use strict;
sub AF_UNIX () { 1 }
sub SOCK_STREAM () { 1 }
sub fail { print STDERR "gate: $_[0]\\n"; exit 1; }
my $request = '';
for my $name (qw(${HOOK_ENV.join(" ")})) {
  my $value = defined $ENV{$name} ? $ENV{$name} : '';
  $value =~ tr/\\n/ /;
  $request .= "env $name=$value\\n";
}
while (my $line = <STDIN>) { chomp $line; $request .= "ref $line\\n"; }
$request .= "end\\n";
$SIG{ALRM} = sub { fail('the gate gave no verdict in time; the push is refused') };
alarm ${HOOK_TIMEOUT_SECONDS};
# A relative name: socket paths are limited to 108 bytes, the gate directory's is not.
chdir ${perlString(gateDir)} or fail("cannot enter the gate directory: $!");
socket(my $sock, AF_UNIX, SOCK_STREAM, 0) or fail("socket: $!");
connect($sock, pack('S Z108', AF_UNIX, ${perlString(GATE_HOOK_SOCKET)}))
  or fail("the gate does not answer ($!); the push is refused");
my $off = 0;
while ($off < length $request) {
  my $n = syswrite($sock, $request, length($request) - $off, $off);
  fail("cannot send the push to the gate: $!") unless defined $n;
  $off += $n;
}
my $buf = '';
while (1) {
  my $n = sysread($sock, $buf, 65536, length $buf);
  fail("cannot read the gate's verdict: $!") unless defined $n;
  while ($buf =~ s/^([^\\n]*)\\n//) {
    my $line = $1;
    if ($line =~ /^msg (.*)$/s) { print STDERR "$1\\n"; }
    elsif ($line =~ /^exit (\\d+)$/) { exit $1; }
  }
  last if $n == 0;
}
fail('the gate closed the connection without a verdict; the push is refused');
`;
}

export const HOOKS_DIR = "hooks";

/** Writes the hook into `GATE_DIR/hooks` (idempotent); returns that directory. */
export function writeHook(gateDir: string): string {
  const dir = join(gateDir, HOOKS_DIR);
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, "pre-receive");
  const text = hookScript(gateDir);
  let current: string | null = null;
  try {
    current = Deno.readTextFileSync(file);
  } catch {
    // not written yet
  }
  if (current !== text) {
    const temporary = `${file}.tmp`;
    Deno.writeTextFileSync(temporary, text, { mode: 0o700 });
    Deno.chmodSync(temporary, 0o700);
    Deno.renameSync(temporary, file);
  }
  return dir;
}

export interface HookRequest {
  env: Record<string, string>;
  updates: { old: string; new: string; ref: string }[];
}

/** The hook's request; null when it is not one (incomplete or malformed). */
export function parseHookRequest(text: string): HookRequest | null {
  if (!text.endsWith("end\n")) return null;
  const env: Record<string, string> = {};
  const updates: HookRequest["updates"] = [];
  for (const line of text.slice(0, -"end\n".length).split("\n")) {
    if (line === "") continue;
    const item = line.match(/^env ([A-Z_]+)=(.*)$/);
    if (item !== null) {
      env[item[1]] = item[2];
      continue;
    }
    const update = line.match(/^ref ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) (refs\/\S+)$/);
    if (update === null) return null;
    updates.push({ old: update[1], new: update[2], ref: update[3] });
  }
  return { env, updates };
}

export function hookReply(messages: readonly string[], code: number): string {
  const lines = messages.flatMap((message) => message.split("\n")).map((line) => `msg ${line}\n`);
  return `${lines.join("")}exit ${code}\n`;
}
