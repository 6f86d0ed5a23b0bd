// @fastify/rate-limit's in-memory counter, the store the plugin makes when it is given no Redis.
// The package exports no types for it (its files are not restricted by an exports map).
declare module '@fastify/rate-limit/store/LocalStore.js' {
  export interface Counted {
    /** Calls counted in the key's window, this one included. */
    readonly current: number;
    /** Milliseconds left in the key's window. */
    readonly ttl: number;
  }
  class LocalStore {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, cache: number);
    /** Counts one call of the key; calls back at once, before it returns. */
    incr(key: string, callback: (error: Error | null, counted: Counted) => void, timeWindow: number, max: number): void;
  }
  export default LocalStore;
}
