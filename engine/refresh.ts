import type { Provider, ProviderContext, ReadResult } from "./provider.ts";
import type { ResourceRecord } from "./state.ts";

/** Reads every recorded resource's live object, in parallel. A throwing read is an error. */
export async function readLive(
  records: ResourceRecord[],
  providers: Map<string, Provider>,
  ctx: ProviderContext,
): Promise<Map<string, ReadResult>> {
  const entries = await Promise.all(records.map(async (record): Promise<[string, ReadResult]> => {
    const provider = providers.get(record.type);
    if (!provider) {
      return [record.id, { status: "error", message: `no provider for type ${record.type}` }];
    }
    try {
      return [record.id, await provider.read(ctx, record)];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [record.id, { status: "error", message }];
    }
  }));
  return new Map(entries);
}
