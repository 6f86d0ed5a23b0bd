/** Whether a store can serve now; when not, why, in words an operator can act on. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** What a store says about its own storage being there. */
export interface StoreHealth {
  /** Asked on every /readyz and on a call's error: it must answer at once, without I/O. */
  readiness(): Readiness;
}

/** The store cannot be reached; the answer is 503 and nothing was written. */
export class StoreUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(reason: string) {
    super(reason);
    this.name = 'StoreUnavailableError';
  }
}
