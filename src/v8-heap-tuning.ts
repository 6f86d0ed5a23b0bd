import { setFlagsFromString } from 'node:v8';

/**
 * The command's own process (the CLI, the Docker image) asks V8 for a small heap, collected before
 * it grows far past what is live: the memory store keeps every tenant's world in it. Imported
 * first by the CLI, before the app's modules run, so that every command compiles under the same
 * flags (the image's compile cache is warmed by `validate`); a process that embeds the sandbox
 * (`startSandbox`) keeps its own flags.
 * Shaped for memory: docs/performance.md#the-commands-heap-flags
 */
setFlagsFromString('--optimize-for-size');
setFlagsFromString('--heap-growing-percent=35');
// V8's memory reducer shrinks an idle heap, and a server that idled a few seconds (CI between two
// test files) then answered its next calls about a third slower, for as long as they came.
// Measured: docs/performance.md#the-commands-heap-flags
setFlagsFromString('--no-memory-reducer');

/** Where the tenants' worlds live, as far as the heap is concerned. */
export interface HeapUse {
  /** Set: the worlds, journals and counters live in Redis (`--redis`, `--redis-cluster`), not in this heap. */
  readonly redis: string | undefined;
  readonly redisCluster: string | undefined;
}

/**
 * What a server changes of the flags above once it knows its store: with Redis no world is in the
 * heap, and `--optimize-for-size` only costs CPU. Measured: docs/performance.md#the-commands-heap-flags
 */
export function serverHeapFlags(use: HeapUse): readonly string[] {
  return use.redis === undefined && use.redisCluster === undefined ? [] : ['--no-optimize-for-size'];
}

export function tuneServerHeap(use: HeapUse): void {
  for (const flag of serverHeapFlags(use)) setFlagsFromString(flag);
}
