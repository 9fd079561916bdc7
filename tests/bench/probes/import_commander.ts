// Anatomy probe: the cost of loading the CLI's argument parser (an npm CommonJS package).
import "commander";
