import type { Contract } from '../contract/load-contract.js';
import type { SandboxConfig } from '../config.js';
import { type ApiRateLimiter, type RateLimiter, RateLimits, type SharedCounters } from './rate-limit.js';
import { RefusedCredentials, addressOf } from './refused-credentials.js';

/** The settings the budgets are made from. */
export type BudgetSettings = Pick<SandboxConfig, 'rateLimit' | 'maxTenants' | 'adminRateLimit' | 'authFailureLimit'>;

export interface Budgets {
  readonly limits: RateLimits;
  /** The API key's budget per minute: `--rate-limit`, else the contract's. */
  readonly requestsPerMinute: number;
  /** The API key's budget: the vendor's calls count against it. */
  readonly limiter: ApiRateLimiter;
  /** A credential's sandbox calls (`/__sandbox/*`). */
  readonly sandboxCalls: RateLimiter;
  /** The token call's caller, by address. */
  readonly tokenCallers: RateLimiter;
  /** Refused credentials per address. */
  readonly refused: RefusedCredentials;
}

/**
 * Budgets per key: the API key's (the credential, not the session), a credential's sandbox
 * calls, the token call's caller; in the store's backend when replicas share one, so that N
 * processes hold one budget. One counter per key kept in memory: as many as there can be tenants.
 */
export function budgets(contract: Contract, config: BudgetSettings, shared: SharedCounters | undefined): Budgets {
  const requestsPerMinute = config.rateLimit ?? contractRateLimit(contract);
  const limits = new RateLimits(contract.catalogue, { keys: Math.max(5_000, config.maxTenants), ...(shared ? { shared } : {}) });
  return {
    limits,
    requestsPerMinute,
    limiter: limits.apiKeys(requestsPerMinute),
    sandboxCalls: limits.budget('sandbox', (request) => request.apiKey ?? addressOf(request), () => config.adminRateLimit),
    tokenCallers: limits.budget('token-address', addressOf, () => requestsPerMinute),
    refused: new RefusedCredentials(limits, config.authFailureLimit, Math.max(5_000, config.maxTenants)),
  };
}

/** The contract's documented budget (`x-rate-limit.requestsPerMinute`), else the docs' 1,000. */
function contractRateLimit(contract: Contract): number {
  const declared = (contract.document as { 'x-rate-limit'?: { requestsPerMinute?: unknown } })['x-rate-limit']?.requestsPerMinute;
  // Whole calls, as the limiter counts them (a contract of one's own may say 2.5 or .inf).
  return typeof declared === 'number' && Number.isFinite(declared) && declared >= 1 ? Math.floor(declared) : 1000;
}
