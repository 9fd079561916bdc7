// Anatomy probe: the modules `bottle exec` loads (its fast path, without running it).
import "../../../cli/exec_command.ts";
