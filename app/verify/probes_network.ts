/**
 * network: the bottle has no network but loopback, and the door is its only way out. Nothing
 * here sends a packet off the host: 10.0.0.1 is dialled only when the bottle has no route at
 * all, and the resolver is tried only then too.
 */
import { allOf, fail, field, fields, noOutput, pass, scripted } from "./verdict.ts";
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

export function judgeOnlyLo(result: ScriptResult): Judgement {
  const names = fields(result.stdout).get("if") ?? [];
  if (names.length === 0) return fail(noOutput(result));
  const evidence = `interfaces: ${names.join(", ")}`;
  return names.length === 1 && names[0] === "lo" ? pass(evidence) : fail(evidence);
}

export function judgeNoRoute(result: ScriptResult): Judgement {
  const v4 = field(result.stdout, "v4");
  const v6 = field(result.stdout, "v6");
  if (v4 === null || v6 === null) return fail(noOutput(result));
  const evidence = `/proc/net/route: ${v4} IPv4 routes; /proc/net/ipv6_route: ${v6} off lo`;
  return v4 === "0" && v6 === "0" ? pass(evidence) : fail(evidence);
}

export function judgeNoResolver(result: ScriptResult): Judgement {
  const resolv = field(result.stdout, "resolv");
  const getent = field(result.stdout, "getent");
  if (resolv === null || getent === null) return fail(noOutput(result));
  const nameservers = Number(field(result.stdout, "nameservers") ?? "0");
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
    { ok: getent !== "not-tried" && getent !== "0", evidence: lookup },
  ]);
}

/** A dial's `error=` as evidence (`timed out` for timeout's 124). */
function dialError(result: ScriptResult): string {
  const rc = field(result.stdout, "rc");
  if (rc === "124") return "timed out";
  return field(result.stdout, "error") || `exit ${rc}`;
}

export interface LoopbackObservation {
  result: ScriptResult;
  port: number;
  /** Connections the host listener accepted from inside (its own control one excluded). */
  fromInside: number;
}

export function judgeHostLoopback(observation: LoopbackObservation): Judgement {
  const { result, port, fromInside } = observation;
  const rc = field(result.stdout, "rc");
  if (rc === null) return fail(noOutput(result));
  const dial = rc === "0"
    ? `connected to the host's 127.0.0.1:${port} from inside`
    : `connect 127.0.0.1:${port}: ${dialError(result)}`;
  return allOf([
    { ok: rc !== "0", evidence: dial },
    {
      ok: fromInside === 0,
      evidence: `the host listener saw ${fromInside} connection(s) from inside`,
    },
  ]);
}

export function judgeOtherAddress(result: ScriptResult): Judgement {
  if (field(result.stdout, "dialled") === "no") {
    return fail(`${OTHER_ADDRESS} not dialled: the bottle has routes, a packet could leave`);
  }
  const rc = field(result.stdout, "rc");
  const ms = Number(field(result.stdout, "ms") ?? "NaN");
  if (rc === null) return fail(noOutput(result));
  if (rc === "0") return fail(`connected to ${OTHER_ADDRESS}:80`);
  const error = dialError(result);
  const evidence = `connect ${OTHER_ADDRESS}:80: ${error} after ${ms} ms`;
  return /unreachable/i.test(error) && ms < 1000 ? pass(evidence) : fail(evidence);
}

export function judgeDoorAnswers(result: ScriptResult, facts: Facts): Judgement {
  const status = field(result.stdout, "status");
  if (field(result.stdout, "rc") === "7") {
    return fail(`nothing listens on 127.0.0.1:${facts.doorPort} inside`);
  }
  if (!status || !/^HTTP\/1\.[01] \d{3}/.test(status)) {
    return fail(
      `127.0.0.1:${facts.doorPort} gave no HTTP answer` + (status ? `: ${status}` : ""),
    );
  }
  return pass(`127.0.0.1:${facts.doorPort} answered: ${status}`);
}

export function judgeDoorDenies(result: ScriptResult, facts: Facts): Judgement {
  const status = field(result.stdout, "status");
  const reason = field(result.stdout, "reason");
  const what = `GET http://${facts.deniedHost}/ through the door`;
  if (!status) return fail(`${what}: no answer (exit ${field(result.stdout, "rc")})`);
  const evidence = `${what}: ${status}${reason ? ` (${reason})` : ""}`;
  return / 403\b/.test(status) && reason !== null ? pass(evidence) : fail(evidence);
}

export const NETWORK_PROBES: Probe[] = [
  scripted(
    { id: "network.only-lo", group: "network", property: "the only interface is lo" },
    () => "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sed 's/^/if=/'",
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
        await new Promise((resolve) => setTimeout(resolve, 50));
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
  scripted(
    { id: "network.door-answers", group: "network", property: "the egress proxy answers" },
    (facts) => doorRequestScript(facts.doorPort, facts.deniedHost),
    judgeDoorAnswers,
  ),
  scripted(
    {
      id: "network.door-denies",
      group: "network",
      property: "a host not on the allowlist gets 403 from the proxy",
    },
    (facts) => doorRequestScript(facts.doorPort, facts.deniedHost),
    judgeDoorDenies,
  ),
];
