import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./bottle.ts";

/** The bench's command line (see main.ts for what each option does). */
export interface Options {
  iterations: number;
  slowIterations: number;
  warmup: number;
  json: string | null | false;
  dir: string;
  bottle: string;
  srt: boolean;
  strict: boolean;
}

export const USAGE = `usage: deno task bench [--iterations N] [--slow-iterations N] [--warmup N]
                       [--json [FILE]] [--dir DIR] [--bottle NAME] [--no-srt] [--strict]`;

export function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: optionalJsonValue(argv),
      strict: true,
      allowPositionals: false,
      options: {
        iterations: { type: "string", short: "n" },
        "slow-iterations": { type: "string" },
        warmup: { type: "string" },
        json: { type: "string" },
        dir: { type: "string" },
        bottle: { type: "string" },
        "no-srt": { type: "boolean" },
        strict: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const count = (
    name: string,
    value: string | undefined,
    fallback: number,
    min: number,
  ): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} needs an integer ≥ ${min}`);
    return n;
  };
  const iterations = count("iterations", values.iterations, 15, 1);
  const options: Options = {
    iterations,
    slowIterations: count(
      "slow-iterations",
      values["slow-iterations"],
      Math.max(3, Math.ceil(iterations / 3)),
      1,
    ),
    warmup: count("warmup", values.warmup, 2, 0),
    json: values.json === undefined ? false : values.json === STDOUT ? null : values.json,
    dir: values.dir ?? join(REPO_ROOT, "examples"),
    bottle: values.bottle ?? "dev",
    srt: !values["no-srt"],
    strict: values.strict ?? false,
  };
  if (!options.dir || !options.bottle) throw new Error(USAGE);
  if (!options.dir.startsWith("/")) options.dir = join(Deno.cwd(), options.dir);
  return options;
}

/** `--json` with no FILE after it (the end, or another option next) means stdout. */
const STDOUT = "-";

function optionalJsonValue(argv: string[]): string[] {
  return argv.flatMap((arg, i) => {
    if (arg !== "--json") return [arg];
    const next = argv[i + 1];
    return next === undefined || next.startsWith("-") ? [`--json=${STDOUT}`] : [arg];
  });
}
