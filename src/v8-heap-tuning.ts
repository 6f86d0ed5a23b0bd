import { setFlagsFromString } from 'node:v8';

/**
 * The sandbox's own process (the command line, the Docker image) asks V8 to favour a small heap:
 * a young generation that stays small and an old generation collected before it grows far past
 * what is live. That keeps the RSS after a million requests over 10,000 tenants near 100 MB once
 * idle, where V8's defaults left it at 165-175 MB. Alone, `--optimize-for-size` let the old generation
 * grow only some 10% past what is live: with 10,000 tenants, whose request histories are promoted
 * and replaced all the time, that was a full collection every quarter second and a p99 of 10-15 ms.
 * Letting it grow 35% (`--heap-growing-percent`) spaces them out to one a second or so: p99 6-8 ms
 * at 30% and 5-6 ms at 45%, the RSS right after the million 120 MB at 30% and 125-145 MB at 45%
 * (98 MB once idle at both; `npm run bench`, docs/performance.md).
 * Imported first by the CLI, so it applies before the app's modules run; a process that embeds
 * the sandbox (`startSandbox`) keeps its own flags.
 */
setFlagsFromString('--optimize-for-size');
setFlagsFromString('--heap-growing-percent=35');
