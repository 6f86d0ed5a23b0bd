import { setFlagsFromString } from 'node:v8';

/** Where the tenants' worlds live, as far as the heap is concerned. */
export interface HeapUse {
  /** Set: the worlds, journals and counters live in Redis (`--redis`, `--redis-cluster`), not in this heap. */
  readonly redis: string | undefined;
  readonly redisCluster: string | undefined;
}

/**
 * The V8 flags the command's own server process (the CLI, the Docker image) runs with; a process
 * that embeds the sandbox (`startSandbox`) keeps its own. With the memory store the heap holds
 * every tenant's world: a young generation that stays small and an old one collected before it
 * grows far past what is live keep RSS flat. With Redis the heap holds none, and
 * `--optimize-for-size` only costs CPU. Measured: docs/performance.md#the-commands-heap-flags
 */
export function heapFlags(use: HeapUse): readonly string[] {
  const inThisHeap = use.redis === undefined && use.redisCluster === undefined;
  return inThisHeap ? ['--optimize-for-size', '--heap-growing-percent=35'] : ['--heap-growing-percent=35'];
}

/** Set before the server loads its contract and scenarios (the first allocations it keeps). */
export function tuneHeap(use: HeapUse): void {
  for (const flag of heapFlags(use)) setFlagsFromString(flag);
}
