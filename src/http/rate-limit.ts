import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Catalogue, REQUIRED_KEYS } from '../spec/catalogue.js';
import { sendCatalogueError } from './envelope.js';

/** The window a budget is counted over: the vendor's limit is per minute. */
const WINDOW_SECONDS = 60;

export interface RateLimiter {
  /**
   * Counts the call against its API key's budget (the credential's, not its session's; the
   * caller's address when it has none); past the budget answers 429 in the envelope with the
   * limiter's headers. Resolves to whether the call may go on.
   */
  admit(request: FastifyRequest, reply: FastifyReply): Promise<boolean>;
  /** The headers of a 429 a scenario forces: as the limiter's own, a whole window to wait. */
  forcedHeaders(request: FastifyRequest): Record<string, string>;
}

export interface RateLimitOptions {
  /** Requests per minute per API key, unless its account sets its own (`request.keyRateLimit`). */
  readonly requestsPerMinute: number;
  /** Whether any account sets its own budget: if not, the budget is a number, not a call per request. */
  readonly perKeyBudgets: boolean;
  /** How many keys' counters the memory store keeps: as many as there can be tenants. */
  readonly keys: number;
  /** Where replicas share one budget per key: the store's backend (world/open-store.ts). */
  readonly shared?: Pick<RateLimitPluginOptions, 'redis' | 'nameSpace'>;
}

/**
 * The rate limit, through @fastify/rate-limit's counters (in memory, or in Redis for replicas),
 * called by the admission step (admission.ts) after authentication: it adds no hook of its own,
 * so its place in the order is the code's, not the plugin's.
 */
export async function registerRateLimit(app: FastifyInstance, catalogue: Catalogue, options: RateLimitOptions): Promise<RateLimiter> {
  const budgetOf = (request: FastifyRequest) => request.keyRateLimit ?? options.requestsPerMinute;
  await app.register(rateLimit, {
    global: false,
    cache: options.keys,
    keyGenerator: (request) => request.apiKey ?? request.ip,
    max: options.perKeyBudgets ? (request) => budgetOf(request) : options.requestsPerMinute,
    timeWindow: WINDOW_SECONDS * 1000,
    ...options.shared,
  });
  const count = app.createRateLimit();
  const exceeded = catalogue.get(REQUIRED_KEYS.rateLimitExceeded);
  const headers = (limit: number, secondsLeft: number) => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(secondsLeft),
    'retry-after': String(secondsLeft),
  });
  return {
    admit: async (request, reply) => {
      const result = await count(request);
      if (result.isAllowed || !result.isExceeded) return true;
      // As the contract declares them: on a 429 only (on every answer they would cost every answer).
      sendCatalogueError(reply.headers(headers(result.max, result.ttlInSeconds)), exceeded);
      return false;
    },
    forcedHeaders: (request) => headers(budgetOf(request), WINDOW_SECONDS),
  };
}
