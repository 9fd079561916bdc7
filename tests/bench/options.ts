import { join } from "node:path";
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
  const options: Options = {
    iterations: 15,
    slowIterations: 0,
    warmup: 2,
    json: false,
    dir: join(REPO_ROOT, "examples"),
    bottle: "dev",
    srt: true,
    strict: false,
  };
  const count = (name: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} needs an integer ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = (): string | undefined => inline ?? argv[++i];
    switch (arg) {
      case "--iterations":
      case "-n":
        options.iterations = count(arg, value(), 1);
        break;
      case "--slow-iterations":
        options.slowIterations = count(arg, value(), 1);
        break;
      case "--warmup":
        options.warmup = count(arg, value(), 0);
        break;
      case "--json":
        if (inline !== undefined) options.json = inline;
        else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("-")) {
          options.json = argv[++i];
        } else options.json = null;
        break;
      case "--dir":
        options.dir = value() ?? "";
        break;
      case "--bottle":
        options.bottle = value() ?? "";
        break;
      case "--no-srt":
        options.srt = false;
        break;
      case "--strict":
        options.strict = true;
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        Deno.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (!options.dir || !options.bottle) throw new Error(USAGE);
  if (!options.dir.startsWith("/")) options.dir = join(Deno.cwd(), options.dir);
  if (options.slowIterations === 0) {
    options.slowIterations = Math.max(3, Math.ceil(options.iterations / 3));
  }
  return options;
}
