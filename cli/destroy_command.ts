/** `destroy`: tear down what was applied from --dir, in reverse dependency order. */
import { destroy } from "../app/destroy.ts";
import { confirm } from "./confirm.ts";
import { printEvent, reportApply } from "./render.ts";
import { sessionFor } from "./session.ts";

export interface DestroyOptions {
  dir: string;
  yes?: boolean;
  lockTimeout: string;
  /** 1..64, checked by the option parser. */
  parallelism: number;
  /** `--bottle NAME…`: only these bottles. */
  bottle?: string[];
  /** `--target ID` (repeatable). */
  target?: string[];
}

export async function destroyCommand(options: DestroyOptions): Promise<number> {
  const report = await destroy(sessionFor(options.dir), {
    bottles: options.bottle,
    targets: options.target,
    lockTimeout: options.lockTimeout,
    parallelism: options.parallelism,
    approve: () => confirm("Destroy these resources?", options.yes ?? false),
    onEvent: printEvent,
  });
  return reportApply(report);
}
