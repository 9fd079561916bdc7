/**
 * `deno task demo`: brings up the example bottle (examples/bottles/dev.md) on the default
 * backend and shows it working — a transcript of real commands, each printed before it runs.
 */
const root = new URL("../", import.meta.url).pathname;
const examples = `${root}examples`;

// The example agent (claude) routes api.anthropic.com with your ANTHROPIC_API_KEY. The demo
// does not call the model, so without a key it uses an obviously fake one.
const env = Deno.env.toObject();
if (!env.ANTHROPIC_API_KEY) {
  env.ANTHROPIC_API_KEY = "demo-not-a-real-key";
  console.log("ANTHROPIC_API_KEY is not set: using a fake key (the demo does not call the model).");
}

async function step(title: string, args: string[]): Promise<number> {
  console.log(`\n\x1b[1m## ${title}\x1b[0m\n$ deno task bottle ${args.map(quote).join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}main.ts`, ...args],
    env,
    stdin: "null",
  }).output().then(async (output) => {
    await Deno.stdout.write(output.stdout);
    await Deno.stderr.write(output.stderr);
    return output;
  });
  return code;
}

function quote(arg: string): string {
  return /^[\w./:=@-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

const inside = (title: string, script: string): Promise<number> =>
  step(title, ["exec", "dev", "--", "sh", "-c", script]);

if (await step("Apply the example bottle", ["apply", "--yes", "--dir", examples]) !== 0) {
  Deno.exit(1);
}
await inside(
  "Inside: an unprivileged user, a private hostname, loopback only",
  "id; hostname; cat /proc/net/dev | tail -n +3 | cut -d: -f1",
);
await inside(
  "Allowed: registry.npmjs.org through the egress proxy (the only way out)",
  'curl -sS -o /dev/null -w "HTTP %{http_code} from registry.npmjs.org\\n" --max-time 15 https://registry.npmjs.org/ || echo "(no answer: is the npm registry reachable from this machine?)"',
);
await inside(
  "Denied: a host not on the allowlist gets 403 and the reason",
  "curl -sS -i --max-time 5 http://github.com/ | grep -iE '^(HTTP|x-bot-bottle-reason)'",
);
await inside(
  "No way around the proxy: no DNS, no route, no host loopback",
  "getent hosts github.com || echo 'DNS: no resolver'; " +
    "ip -4 route get 1.1.1.1 2>&1 | head -n1; " +
    "curl -sS --noproxy '*' --max-time 3 http://127.0.0.1:22/ 2>&1 | head -n1",
);
await inside(
  "The agent's CLI (Claude Code), installed once into a versioned cache and mapped read-only",
  'claude --version; echo "ANTHROPIC_API_KEY=$ANTHROPIC_API_KEY (a placeholder; the proxy injects the real key)"',
);
await inside(
  "The agent's own files: prompt, Claude Code config, the review-checklist skill, git identity",
  "cd ~/.bot-bottle/agents/reviewer && find . -type f | sort; git config user.name",
);
await step("The egress audit log (one JSON line per decision)", [
  "logs",
  "dev",
  "--egress",
  "--dir",
  examples,
]);
await step("Applied bottles", ["list"]);
console.log(
  "\nThe bottle keeps running. Next: `deno task bottle shell dev`, `deno task drift --dir examples`," +
    "\n`deno task destroy --dir examples --yes`.",
);
