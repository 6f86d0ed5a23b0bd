// @fastify/rate-limit's Redis counter, the store the plugin makes when it is given a Redis: one
// script a call (INCR, and PEXPIRE on a key's first call), so a key is one budget across replicas.
declare module '@fastify/rate-limit/store/RedisStore.js' {
  import type { Counted } from '@fastify/rate-limit/store/LocalStore.js';
  import type { Cluster, Redis } from 'ioredis';
  class RedisStore {
    /** `prefix` starts every key it counts. */
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis | Cluster, prefix: string);
    /** Counts one call of the key; calls back once Redis answered. */
    incr(key: string, callback: (error: Error | null, counted: Counted | null) => void, timeWindow: number, max: number): void;
  }
  export default RedisStore;
}
