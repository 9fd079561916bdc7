import { assertEquals } from "../../tests/assert.ts";
import type { DockerContainer, DockerImage, DockerObjects } from "../../backends/docker/objects.ts";
import type { RunningSandbox } from "../../backends/bwrap/running.ts";
import type { RunningSupervisor } from "../../sidecars/bundle/running.ts";
import { placeOf, planCleanup } from "./plan.ts";
import type { CleanupObservation, CleanupPlan, RecordedBottle } from "./types.ts";

const DB = "/s/state.db";
const GONE_DB = "/old/state.db";
const ME = 0;
const OWNER = 999;

function sandbox(stateDir: string, bottle: string, pid: number, uid = OWNER): RunningSandbox {
  return {
    init: { pid, startTime: 1 },
    inner: { pid: pid + 1, startTime: 2 },
    door: { pid: pid + 2, startTime: 3 },
    runDir: `${stateDir}/bottles/${bottle}/run`,
    uid,
  };
}

function supervisor(stateDir: string, bottle: string, pid: number, uid = ME): RunningSupervisor {
  const runDir = `${stateDir}/bottles/${bottle}/run`;
  return {
    process: { pid, startTime: 1 },
    runDir,
    name: "egress",
    socket: `${runDir}/egress.sock`,
    uid,
  };
}

function recorded(bottle: string, extra: Partial<RecordedBottle> = {}): RecordedBottle {
  return {
    bottle,
    ids: [`sandbox.${bottle}`],
    containers: [],
    images: [],
    docker: false,
    ...extra,
  };
}

function labels(bottle: string, role: string, db = DB): Record<string, string> {
  return {
    "dev.bot-bottle.managed": "1",
    "dev.bot-bottle.bottle": bottle,
    "dev.bot-bottle.state-db": db,
    "dev.bot-bottle.role": role,
  };
}

function container(name: string, bottle: string, db = DB, image = "sha256:img"): DockerContainer {
  return {
    id: `id-${name}`,
    name,
    labels: labels(bottle, "agent", db),
    created: "2026-01-01T00:00:00Z",
    state: "running",
    image,
  };
}

function image(tag: string, bottle: string, db = DB, role = "image"): DockerImage {
  return { id: `sha256:${tag}`, tags: [tag], labels: labels(bottle, role, db) };
}

function observe(overrides: Partial<CleanupObservation> = {}): CleanupObservation {
  const docker: DockerObjects = { containers: [], images: [], volumes: [], networks: [] };
  return {
    statePath: DB,
    recorded: [],
    sandboxes: [],
    supervisors: [],
    directories: [],
    docker,
    databases: { [DB]: "ours", [GONE_DB]: "missing", "/live/state.db": "exists" },
    uids: [ME, OWNER],
    ...overrides,
  };
}

function summary(plan: CleanupPlan): string[] {
  return plan.orphans.map((orphan) => `${orphan.target.kind} ${orphan.bottle}: ${orphan.why}`);
}

Deno.test("cleanup plan: a run directory names its state database and bottle", () => {
  assertEquals(placeOf("/s/bottles/dev/run"), { stateDb: DB, bottle: "dev" });
  assertEquals(placeOf("/s/bottles/dev/run/x"), null);
  assertEquals(placeOf("/tmp/run"), null);
});

Deno.test("cleanup plan: processes of unrecorded bottles are orphans, a recorded bottle's never", () => {
  const plan = planCleanup(observe({
    recorded: [recorded("live")],
    sandboxes: [sandbox("/s", "live", 100), sandbox("/s", "lost", 200)],
    supervisors: [supervisor("/s", "live", 150), supervisor("/s", "lost", 250)],
    directories: [
      { bottle: "live", path: "/s/bottles/live", workspace: true },
      { bottle: "lost", path: "/s/bottles/lost", workspace: true },
    ],
  }));
  assertEquals(summary(plan), [
    "sandbox lost: bottle lost has no records",
    "door-keeper lost: bottle lost has no records",
    "supervisor lost: bottle lost has no records",
    "directory lost: bottle lost has no records",
  ]);
  assertEquals(plan.orphans.map((orphan) => orphan.what), [
    "bwrap sandbox pid 200 (/s/bottles/lost/run)",
    "door keeper pid 202 of sandbox pid 200",
    "egress supervisor pid 250 (/s/bottles/lost/run)",
    "directory /s/bottles/lost (holds a workspace)",
  ]);
  assertEquals(plan.notes.length, 1);
  assertEquals(
    /lost run without records .* state restore/.test(plan.notes[0]),
    true,
    plan.notes[0],
  );
});

Deno.test("cleanup plan: processes of a state database that is gone, if ours or the owner's", () => {
  const plan = planCleanup(observe({
    sandboxes: [sandbox("/old", "a", 100), sandbox("/old", "b", 200, 4242)],
    supervisors: [supervisor("/live", "c", 300), supervisor("/unknown", "d", 400)],
  }));
  assertEquals(summary(plan), [
    "sandbox a: its state database /old/state.db no longer exists",
    "door-keeper a: its state database /old/state.db no longer exists",
  ]);
  assertEquals(plan.orphans.every((orphan) => !orphan.ours), true);
  assertEquals(plan.notes, [], "no bottle of this database runs unrecorded");
});

Deno.test("cleanup plan: containers are kept only when a recorded sandbox names them", () => {
  const names = ["bot-bottle-dk-1", "bot-bottle-dk-1-door"];
  const plan = planCleanup(observe({
    recorded: [recorded("dk", { containers: names, images: ["agent-dk:1"], docker: true })],
    directories: [{ bottle: "dk", path: "/s/bottles/dk", workspace: false }],
    docker: {
      containers: [
        container(names[0], "dk", DB, "sha256:agent-dk:1"),
        container(names[1], "dk", DB, "sha256:agent-dk:1"),
        container("bot-bottle-dk-2", "dk", DB, "sha256:agent-dk:old"),
        container("bot-bottle-ghost-3", "ghost"),
        container("bot-bottle-x-4", "x", GONE_DB, "sha256:agent-x:1"),
        container("bot-bottle-y-5", "y", "/live/state.db", "sha256:agent-y:1"),
        { ...container("someone-elses", "-"), labels: {}, image: "sha256:agent-ghost:1" },
      ],
      images: [
        image("agent-dk:1", "dk"),
        image("agent-dk:old", "dk"),
        image("agent-ghost:1", "ghost"),
        image("agent-x:1", "x", GONE_DB),
        image("agent-y:1", "y", "/live/state.db"),
        image("bot-bottle-base:1", "-", GONE_DB, "base"),
      ],
      volumes: [{ name: "v", labels: labels("ghost", "agent") }],
      networks: [{ id: "n1", name: "n", labels: labels("dk", "agent") }],
    },
  }));
  assertEquals(summary(plan), [
    "container dk: its bottle's recorded sandbox is other containers",
    "container ghost: bottle ghost has no records",
    "container x: its state database /old/state.db no longer exists",
    "image dk: its bottle records another image",
    "image x: its state database /old/state.db no longer exists",
    "volume ghost: bottle ghost has no records",
  ], "agent-ghost:1 runs in a container not ours; the base is a cache");
});

Deno.test("cleanup plan: the rows of a bottle of which nothing is left are forgotten", () => {
  const bare = recorded("bare", { ids: ["bottle_dir.bare"] });
  const docker = recorded("dk", { images: ["agent-dk:1"], docker: true, containers: ["c"] });
  const withDir = recorded("dir");
  const running = recorded("up");
  const stopped = recorded("stopped", { docker: true, containers: ["s"] });
  const observed = observe({
    recorded: [bare, docker, withDir, running, stopped],
    directories: [{ bottle: "dir", path: "/s/bottles/dir", workspace: true }],
    supervisors: [supervisor("/s", "up", 10)],
    docker: {
      containers: [{ ...container("s", "stopped"), state: "exited" }],
      images: [image("agent-dk:1", "dk")],
      volumes: [],
      networks: [],
    },
  });
  assertEquals(summary(planCleanup(observed)), [
    "image dk: its bottle's rows are forgotten (nothing of it runs)",
    "rows bare: nothing of it runs and its directory is gone",
    "rows dk: nothing of it runs and its directory is gone",
  ]);
  const blind = planCleanup({ ...observed, docker: { unavailable: "no daemon" } });
  assertEquals(summary(blind), ["rows bare: nothing of it runs and its directory is gone"]);
  assertEquals(blind.notes, ["docker was not checked (no daemon); its objects are left alone"]);
});

Deno.test("cleanup plan: an unreadable sandbox row keeps every container of its bottle", () => {
  const plan = planCleanup(observe({
    recorded: [recorded("dk", { containers: null, docker: true })],
    docker: { containers: [container("any", "dk")], images: [], volumes: [], networks: [] },
  }));
  assertEquals(summary(plan), []);
});
