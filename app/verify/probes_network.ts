/**
 * network: the bottle has no network but loopback, and the door is its only way out. Nothing
 * here sends a packet off the host: 10.0.0.1 is dialled only when the bottle has no route at
 * all, and the resolver is tried only then too.
 */
import { sleep } from "../../lib/wait.ts";
import { type OutputSpec, type ProbeOutput, readOutput } from "./output.ts";
import { judgeDoorSocket } from "./door_socket.ts";
import { observeDoorSocket } from "./door_socket_host.ts";
import { allOf, combine, fail, noOutput, pass, scripted } from "./verdict.ts";
import type { Facts, Judgement, Probe, ScriptResult } from "./types.ts";

export const OTHER_ADDRESS = "10.0.0.1";

/** sh: `dial HOST PORT` prints rc=, ms= and error= (bash's /dev/tcp, 3 s at most). */
export const DIAL = [
  "dial() {",
  "  s=$(date +%s%N)",
  `  out=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' dial "$1" "$2" 2>&1)`,
  "  rc=$?",
  "  e=$(date +%s%N)",
  '  echo "rc=$rc"',
  '  echo "ms=$(( (e - s) / 1000000 ))"',
  `  printf 'error=%s\\n' "$(printf '%s\\n' "$out" | tail -n 1 | sed 's/.*: //')"`,
  "}",
].join("\n");

/** sh: prints `routes=N` (IPv4 routes, plus IPv6 routes through any device but lo). */
const COUNT_ROUTES = [
  "v4=$(tail -n +2 /proc/net/route 2>/dev/null | wc -l)",
  "v6=$(awk '$10 != \"lo\" {n++} END {print n+0}' /proc/net/ipv6_route 2>/dev/null || echo 0)",
  'routes=$((v4 + v6)); echo "v4=$v4"; echo "v6=$v6"; echo "routes=$routes"',
].join("\n");

/** sh: an HTTP GET through the door for `http://HOST/`: prints status= and reason=. */
export function doorRequestScript(port: number, host: string): string {
  const request =
    `GET http://${host}/ HTTP/1.1\\r\\nHost: ${host}\\r\\nConnection: close\\r\\n\\r\\n`;
  return [
    `out=$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} || exit 7`,
    `  printf "${request}" >&3; head -c 8192 <&3' 2>&1)`,
    'echo "rc=$?"',
    `printf '%s\\n' "$out" | tr -d '\\r' | sed -n '1s/^/status=/p'`,
    `printf '%s\\n' "$out" | tr -d '\\r' | sed -n 's/^[Xx]-[Bb]ot-[Bb]ottle-[Rr]eason: /reason=/p'`,
  ].join("\n");
}

/**
 * sh: the interfaces of /proc/net/dev, as `if=NAME`, then their count: read by the framed
 * shell itself (builtins only), so no process the agent could kill mid-way drops a line.
 */
export const ONLY_LO_SCRIPT = [
  "n=0; line=0",
  "while IFS=: read -r name rest; do",
  '  line=$((line + 1)); [ "$line" -le 2 ] && continue',
  '  name=${name#"${name%%[! ]*}"}; echo "if=$name"; n=$((n + 1))',
  "done < /proc/net/dev",
  'echo "interfaces=$n"',
].join("\n");

/** What each script may print. */
export const ONLY_LO_OUTPUT: OutputSpec = { lists: ["if"], once: ["interfaces"] };
const ROUTES = ["v4", "v6", "routes"];
const DIALLED = ["rc", "ms", "error"];
export const NO_ROUTE_OUTPUT: OutputSpec = { once: ROUTES };
export const NO_RESOLVER_OUTPUT: OutputSpec = {
  once: [...ROUTES, "resolv", "nameservers", "getent"],
};
export const DIAL_OUTPUT: OutputSpec = { once: DIALLED };
export const OTHER_ADDRESS_OUTPUT: OutputSpec = { once: [...ROUTES, ...DIALLED, "dialled"] };
export const DOOR_OUTPUT: OutputSpec = { once: ["rc", "status", "reason"] };

export function judgeOnlyLo(result: ScriptResult): Judgement {
  const read = readOutput(result, ONLY_LO_OUTPUT);
  if (!read.ok) return read.judgement;
  const names = read.value.list("if");
  const count = read.value.get("interfaces");
  if (names.length === 0 || count === null) return fail(noOutput(result));
  if (Number(count) !== names.length) {
    return fail(`${count} interface(s) counted, ${names.length} listed: ${names.join(", ")}`);
  }
  const evidence = `interfaces: ${names.join(", ")}`;
  return names.length === 1 && names[0] === "lo" ? pass(evidence) : fail(evidence);
}

export function judgeNoRoute(result: ScriptResult): Judgement {
  const read = readOutput(result, NO_ROUTE_OUTPUT);
  if (!read.ok) return read.judgement;
  const v4 = read.value.get("v4");
  const v6 = read.value.get("v6");
  if (v4 === null || v6 === null) return fail(noOutput(result));
  const evidence = `/proc/net/route: ${v4} IPv4 routes; /proc/net/ipv6_route: ${v6} off lo`;
  return v4 === "0" && v6 === "0" ? pass(evidence) : fail(evidence);
}

export function judgeNoResolver(result: ScriptResult): Judgement {
  const read = readOutput(result, NO_RESOLVER_OUTPUT);
  if (!read.ok) return read.judgement;
  const resolv = read.value.get("resolv");
  const getent = read.value.get("getent");
  if (resolv === null || getent === null) return fail(noOutput(result));
  const nameservers = Number(read.value.get("nameservers") ?? "0");
  const lookup = getent === "not-tried"
    ? "getent not tried: the bottle has routes"
    : `getent hosts example.com: exit ${getent}${getent === "2" ? " (not found)" : ""}`;
  return allOf([
    {
      ok: resolv === "absent" || nameservers === 0,
      evidence: resolv === "absent"
        ? "no /etc/resolv.conf"
        : `/etc/resolv.conf lists ${nameservers} nameserver(s)`,
    },
    // 2 is "not found"; 0 resolved, and 128+N is a lookup killed before it could answer.
    { ok: getent === "2", evidence: lookup },
  ]);
}

/** A dial's `error=` as evidence (`timed out` for timeout's 124). */
function dialError(output: ProbeOutput): string {
  const rc = output.get("rc");
  if (rc === "124") return "timed out";
  return output.get("error") || `exit ${rc}`;
}

export interface LoopbackObservation {
  result: ScriptResult;
  port: number;
  /** Connections the host listener accepted from inside (its own control one excluded). */
  fromInside: number;
}

export function judgeHostLoopback(observation: LoopbackObservation): Judgement {
  const { result, port, fromInside } = observation;
  const read = readOutput(result, DIAL_OUTPUT);
  if (!read.ok) return read.judgement;
  const rc = read.value.get("rc");
  if (rc === null) return fail(noOutput(result));
  const dial = rc === "0"
    ? `connected to the host's 127.0.0.1:${port} from inside`
    : `connect 127.0.0.1:${port}: ${dialError(read.value)}`;
  // 128+N: the dial was killed by signal N before it could connect or fail.
  const killed = Number(rc) >= 128;
  return allOf([
    { ok: rc !== "0" && !killed, evidence: killed ? `${dial} (killed: nothing tested)` : dial },
    {
      ok: fromInside === 0,
      evidence: `the host listener saw ${fromInside} connection(s) from inside`,
    },
  ]);
}

export function judgeOtherAddress(result: ScriptResult): Judgement {
  const read = readOutput(result, OTHER_ADDRESS_OUTPUT);
  if (!read.ok) return read.judgement;
  if (read.value.get("dialled") === "no") {
    return fail(`${OTHER_ADDRESS} not dialled: the bottle has routes, a packet could leave`);
  }
  const rc = read.value.get("rc");
  const ms = Number(read.value.get("ms") ?? "NaN");
  if (rc === null) return fail(noOutput(result));
  if (rc === "0") return fail(`connected to ${OTHER_ADDRESS}:80`);
  const error = dialError(read.value);
  const evidence = `connect ${OTHER_ADDRESS}:80: ${error} after ${ms} ms`;
  return /unreachable/i.test(error) && ms < 1000 ? pass(evidence) : fail(evidence);
}

/** The status line of an answer through the door, when it is HTTP. */
export function httpStatus(output: ProbeOutput): string | null {
  const status = output.get("status");
  return status && /^HTTP\/1\.[01] \d{3}/.test(status) ? status : null;
}

export function judgeDoorAnswers(result: ScriptResult, facts: Facts): Judgement {
  const read = readOutput(result, DOOR_OUTPUT);
  if (!read.ok) return read.judgement;
  const status = read.value.get("status");
  if (read.value.get("rc") === "7") {
    return fail(`nothing listens on 127.0.0.1:${facts.doorPort} inside`);
  }
  if (httpStatus(read.value) === null) {
    return fail(
      `127.0.0.1:${facts.doorPort} gave no HTTP answer` + (status ? `: ${status}` : ""),
    );
  }
  return pass(`127.0.0.1:${facts.doorPort} answered: ${status}`);
}

export function judgeDoorDenies(result: ScriptResult, facts: Facts): Judgement {
  const read = readOutput(result, DOOR_OUTPUT);
  if (!read.ok) return read.judgement;
  const status = read.value.get("status");
  const reason = read.value.get("reason");
  const what = `GET http://${facts.deniedHost}/ through the door`;
  if (!status) return fail(`${what}: no answer (exit ${read.value.get("rc")})`);
  const evidence = `${what}: ${status}${reason ? ` (${reason})` : ""}`;
  return / 403\b/.test(status) && reason !== null ? pass(evidence) : fail(evidence);
}

/**
 * A request through the door, judged with who holds the socket it went to (seen from the host
 * once the answer is in): an answer from a listener the agent bound is no answer of the door.
 */
function doorProbe(
  meta: { id: string; property: string },
  judge: (result: ScriptResult, facts: Facts) => Judgement,
): Probe {
  return {
    ...meta,
    group: "network",
    run: async (io): Promise<Judgement> => {
      const result = await io.inside(doorRequestScript(io.facts.doorPort, io.facts.deniedHost));
      const socket = observeDoorSocket(io.target.handle, io.facts.doorPort);
      return combine(judge(result, io.facts), judgeDoorSocket(socket));
    },
  };
}

export const NETWORK_PROBES: Probe[] = [
  scripted(
    { id: "network.only-lo", group: "network", property: "the only interface is lo" },
    () => ONLY_LO_SCRIPT,
    judgeOnlyLo,
  ),
  scripted(
    { id: "network.no-route", group: "network", property: "no route leads anywhere" },
    () => COUNT_ROUTES,
    judgeNoRoute,
  ),
  scripted(
    {
      id: "network.no-resolver",
      group: "network",
      property: "no resolver is configured or reachable",
    },
    () =>
      [
        COUNT_ROUTES,
        "if [ -e /etc/resolv.conf ]; then echo resolv=present",
        "  echo \"nameservers=$(grep -c '^[[:space:]]*nameserver' /etc/resolv.conf)\"",
        "else echo resolv=absent; fi",
        'if [ "$routes" = 0 ]; then getent hosts example.com >/dev/null 2>&1; echo "getent=$?"',
        "else echo getent=not-tried; fi",
      ].join("\n"),
    judgeNoResolver,
  ),
  {
    id: "network.host-loopback",
    group: "network",
    property: "a service on the host's 127.0.0.1 is unreachable from inside",
    run: async (io): Promise<Judgement> => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      let accepted = 0;
      const accepting = (async (): Promise<void> => {
        for await (const connection of listener) {
          accepted++;
          connection.close();
        }
      })().catch(() => {});
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        const result = await io.inside(`${DIAL}\ndial 127.0.0.1 ${port}`);
        await sleep(50);
        return judgeHostLoopback({ result, port, fromInside: Math.max(0, accepted - 1) });
      } finally {
        listener.close();
        await accepting;
      }
    },
  },
  scripted(
    {
      id: "network.other-address",
      group: "network",
      property: `${OTHER_ADDRESS} fails at once: no route`,
    },
    () =>
      [
        COUNT_ROUTES,
        DIAL,
        `if [ "$routes" = 0 ]; then dial ${OTHER_ADDRESS} 80; else echo dialled=no; fi`,
      ].join("\n"),
    judgeOtherAddress,
  ),
  doorProbe(
    { id: "network.door-answers", property: "the egress proxy answers, on the door's own socket" },
    judgeDoorAnswers,
  ),
  doorProbe(
    {
      id: "network.door-denies",
      property: "a host not on the allowlist gets 403 from the proxy, on the door's own socket",
    },
    judgeDoorDenies,
  ),
];
