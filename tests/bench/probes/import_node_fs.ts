// Anatomy probe: the cost of Deno's Node compatibility layer for node:fs and node:path.
import "node:fs";
import "node:path";
