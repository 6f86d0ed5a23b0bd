import { setFlagsFromString } from 'node:v8';

/**
 * The command's own process (the CLI, the Docker image) asks V8 for a small heap, collected before
 * it grows far past what is live. Imported first by the CLI, before the app's modules run; a
 * process that embeds the sandbox (`startSandbox`) keeps its own flags.
 * Shaped for memory: docs/performance.md#the-commands-heap-flags
 */
setFlagsFromString('--optimize-for-size');
setFlagsFromString('--heap-growing-percent=35');
