import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type { Provider, ReadResult, ResourceInstance } from "../engine/provider.ts";
import { sleep } from "../lib/wait.ts";

/** Test double: a provider whose live objects are entries in a map. */
export class MemoryProvider implements Provider {
  readonly live = new Map<string, JsonObject>();
  readonly calls: string[] = [];
  readonly failOn = new Set<string>();
  readonly drift = new Map<string, string[]>();
  readonly replaceKeys: readonly string[];
  readonly repairsDriftInPlace = true;
  delayMs = 0;
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly type: string, replaceKeys: string[] = ["image"]) {
    this.replaceKeys = replaceKeys;
  }

  read(_ctx: unknown, instance: ResourceInstance): Promise<ReadResult> {
    const live = this.live.get(instance.id);
    if (!live) return Promise.resolve({ status: "missing", reason: "not in memory" });
    return Promise.resolve({
      status: "found",
      outputs: live,
      drift: this.drift.get(instance.id) ?? [],
    });
  }

  diff(desired: JsonObject, recorded: JsonObject): ReturnType<Provider["diff"]> {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  }

  create(_ctx: unknown, instance: ResourceInstance): Promise<JsonObject> {
    return this.#act(`create ${instance.id}`, () => {
      this.live.set(instance.id, { ...instance.inputs });
      return { made: instance.id };
    });
  }

  update(_ctx: unknown, instance: ResourceInstance): Promise<JsonObject> {
    return this.#act(`update ${instance.id}`, () => {
      this.live.set(instance.id, { ...instance.inputs });
      return { made: instance.id };
    });
  }

  delete(_ctx: unknown, instance: ResourceInstance): Promise<void> {
    return this.#act(`delete ${instance.id}`, () => {
      this.live.delete(instance.id);
    });
  }

  async #act<T>(call: string, effect: () => T): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await sleep(this.delayMs);
      this.calls.push(call);
      if (this.failOn.has(call)) throw new Error(`injected failure: ${call}`);
      return effect();
    } finally {
      this.inFlight--;
    }
  }
}
