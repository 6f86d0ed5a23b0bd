/** Whether a store can serve now; when not, why, in words an operator can act on. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** What a store says about its own storage being there. */
export interface StoreHealth {
  /** Asked on every /readyz and on a call's error: it must answer at once, without I/O. */
  readiness(): Readiness;
  /**
   * This backend's own failure to reach its storage as the one unavailable error (503), whoever
   * met it: the store's commands, or another user of its connection (the shared rate limiter).
   * Undefined for any other error, which stays a fault of the sandbox (500).
   */
  unavailableError(error: unknown): StoreUnavailableError | undefined;
}

/** The store cannot be reached; the answer is 503 and nothing was written. */
export class StoreUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(reason: string) {
    super(reason);
    this.name = 'StoreUnavailableError';
  }
}
