import type { Awaitable } from '../awaitable.js';

/** A tenant's rate of documented errors sprinkled through its calls, and the seed that decides which. */
export interface ErrorRate {
  /** The fraction of eligible calls answered with an error, 0 to 1. */
  readonly rate: number;
  /** With the call's position in the tenant's sequence, decides each call alone (answer/error-rate.ts). */
  readonly seed: number;
}

/**
 * The error rate a tenant set for itself (`PUT /__sandbox/error-rate`), which wins over the
 * command's `--error-rate`. Kept with the tenant and forgotten with it; a reset keeps it (the
 * positions in sequences, and so its sequence of calls, start again).
 */
export interface ErrorRateStore {
  errorRate(tenant: string): Awaitable<ErrorRate | undefined>;
  setErrorRate(tenant: string, errorRate: ErrorRate | undefined): Promise<void>;
}
