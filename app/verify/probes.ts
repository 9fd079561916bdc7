/**
 * Every probe, in the order they run: the harmless ones first, then those that disturb what
 * runs inside (`kill -9 -1`) or the home (planted links).
 */
import { DOOR_PROBES } from "./probes_door.ts";
import { FILESYSTEM_PROBES } from "./probes_filesystem.ts";
import { NETWORK_PROBES } from "./probes_network.ts";
import { PRIVILEGE_PROBES } from "./probes_privileges.ts";
import { PROCESS_PROBES } from "./probes_processes.ts";
import { SECRET_PROBES } from "./probes_secrets.ts";
import { SYMLINK_PROBES } from "./symlinks.ts";
import type { Probe } from "./types.ts";

export const ALL_PROBES: readonly Probe[] = [
  ...NETWORK_PROBES,
  ...FILESYSTEM_PROBES,
  ...PROCESS_PROBES,
  ...PRIVILEGE_PROBES,
  ...SECRET_PROBES,
  ...DOOR_PROBES,
  ...SYMLINK_PROBES,
];
