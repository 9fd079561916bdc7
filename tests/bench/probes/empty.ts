// Anatomy probe: Deno start-up inside the repo (deno.json, lock file, node_modules discovery).
export {};
