/**
 * Bounds on manifest input, checked before the cost of parsing or checking grows with it.
 * Each is far above what a real manifest needs and far below what hurts.
 */

/** A manifest file (frontmatter and notes): the largest real ones are a few KiB. */
export const MANIFEST_FILE_LIMIT = 256 * 1024;

/** One string in the frontmatter (a key, an env value, an argument). */
export const VALUE_LENGTH_LIMIT = 16 * 1024;

/** Nesting of mappings and lists; the deepest real frontmatter has 6 levels. */
export const NESTING_LIMIT = 64;

/** Nodes visited with aliases expanded: bounds alias "billion laughs" before toJS. */
export const EXPANDED_NODE_LIMIT = 100_000;

/** An `upstream_ca_file`: a CA bundle (the system's is ~220 KiB). */
export const CA_FILE_LIMIT = 1024 * 1024;

/** "Did you mean" is for typos: longer words get no suggestion (the distance is O(n·m)). */
export const SUGGEST_WORD_LIMIT = 64;
