/**
 * Test support for the application layer's tests: a project with real manifests compiled by
 * the real compiler, whose resources live in memory (a MemoryProvider per resource type) and
 * whose backend only records its preflight. Nothing outside a temporary directory is touched.
 */
import { join } from "node:path";
import type { Backend } from "../backends/backend.ts";
import { MemoryProvider } from "../tests/memory_provider.ts";
import type { AppEvent } from "./events.ts";
import { openSession, resourceTypes, type Session } from "./session.ts";

/** A bottle with an egress allowlist: it compiles to every per-bottle resource type. */
export const BOTTLE_MD = "---\negress:\n  allow: [example.com]\n---\nA test bottle.\n";

export interface TestProject {
  /** Temporary directory holding the project, the state and a home. */
  base: string;
  dir: string;
  stateDir: string;
  env: Record<string, string>;
  providers: Map<string, MemoryProvider>;
  /** Backend names whose preflight ran, in order. */
  preflights: string[];
  /** Opens a session on the project (close it, or call `remove`). */
  session(): Session;
  /** Writes `bottles/NAME.md`. */
  writeBottle(name: string, text?: string): void;
  /** The live objects of every provider, by id. */
  live(): string[];
  remove(): void;
}

/** A project directory with bottles `names` (default: `dev`). */
export function testProject(names: readonly string[] = ["dev"]): TestProject {
  const base = Deno.makeTempDirSync({ prefix: "bb-app-" });
  const dir = join(base, "project");
  const stateDir = join(base, "state");
  Deno.mkdirSync(join(dir, "bottles"), { recursive: true });
  Deno.mkdirSync(join(base, "home"));
  const env = { HOME: join(base, "home"), BOT_BOTTLE_CACHE_DIR: join(base, "cache") };
  const providers = new Map(
    [...resourceTypes()].map((type) => [type, new MemoryProvider(type)]),
  );
  const preflights: string[] = [];
  const sessions: Session[] = [];
  const project: TestProject = {
    base,
    dir,
    stateDir,
    env,
    providers,
    preflights,
    session(): Session {
      const session = openSession({
        dir,
        cwd: base,
        env,
        stateDir,
        providers: new Map(providers),
        backends: (name) => recordingBackend(name, preflights),
      });
      sessions.push(session);
      return session;
    },
    writeBottle(name: string, text = BOTTLE_MD): void {
      Deno.writeTextFileSync(join(dir, "bottles", `${name}.md`), text);
    },
    live(): string[] {
      return [...providers.values()].flatMap((provider) => [...provider.live.keys()]).sort();
    },
    remove(): void {
      for (const session of sessions) session.close();
      Deno.removeSync(base, { recursive: true });
    },
  };
  for (const name of names) project.writeBottle(name);
  return project;
}

/** A backend that only records its preflight; anything else is not for these tests. */
function recordingBackend(name: string, preflights: string[]): Backend {
  const unused = (): never => {
    throw new Error(`the ${name} test backend only has a preflight`);
  };
  return {
    name,
    preflight: (): Promise<void> => {
      preflights.push(name);
      return Promise.resolve();
    },
    start: unused,
    status: unused,
    find: unused,
    repair: unused,
    stop: unused,
    exec: unused,
  };
}

/** Collects events; `kinds` is their sequence as `type` or `type id` (for steps). */
export class EventLog {
  readonly events: AppEvent[] = [];
  readonly onEvent = (event: AppEvent): void => {
    this.events.push(event);
  };

  kinds(): string[] {
    return this.events.map((event) =>
      "step" in event ? `${event.type} ${event.step.key}` : event.type
    );
  }

  /** The position of an event in the log (-1 when it did not happen). */
  indexOf(kind: string): number {
    return this.kinds().indexOf(kind);
  }
}
