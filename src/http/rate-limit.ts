import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import LocalStore, { type Counted } from '@fastify/rate-limit/store/LocalStore.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Catalogue, REQUIRED_KEYS } from '../spec/catalogue.js';
import { sendCatalogueError } from './envelope.js';

/** The window a budget is counted over: the vendor's limit is per minute. */
const WINDOW_SECONDS = 60;

export interface RateLimiter {
  /**
   * Counts the call against its API key's budget (the credential's, not its session's; the
   * caller's address when it has none); past the budget answers 429 in the envelope with the
   * limiter's headers. Whether the call may go on: at once in memory, later when counted in Redis.
   */
  admit(request: FastifyRequest, reply: FastifyReply): boolean | Promise<boolean>;
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
 * The rate limit, with @fastify/rate-limit's counters, called by the admission step
 * (admission.ts) after authentication: it adds no hook of its own, so its place in the order is
 * the code's, not the plugin's. In memory, the call is counted by the plugin's own in-memory
 * store, called directly and answered at once: through the plugin's limiter each call took some
 * five promises and 1.3 KiB of garbage for a count that is a map lookup (bench/, docs/performance.md).
 * Where replicas share one budget per key, the plugin counts in Redis.
 */
export async function registerRateLimit(app: FastifyInstance, catalogue: Catalogue, options: RateLimitOptions): Promise<RateLimiter> {
  const budgetOf = (request: FastifyRequest) => request.keyRateLimit ?? options.requestsPerMinute;
  const keyOf = (request: FastifyRequest) => request.apiKey ?? request.ip;
  const exceeded = catalogue.get(REQUIRED_KEYS.rateLimitExceeded);
  const headers = (limit: number, secondsLeft: number) => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(secondsLeft),
    'retry-after': String(secondsLeft),
  });
  /** Answers 429, the headers as the contract declares them (on a 429 only: on every answer they would cost every answer). */
  const refuse = (reply: FastifyReply, max: number, ttlMs: number): false => {
    const secondsLeft = Math.ceil(ttlMs / 1000);
    sendCatalogueError(reply.headers(headers(max, secondsLeft)), exceeded);
    return false;
  };
  const forcedHeaders = (request: FastifyRequest) => headers(budgetOf(request), WINDOW_SECONDS);

  if (!options.shared) {
    const counters = new LocalStore(false, false, options.keys);
    // The in-memory store calls back before it returns: one callback for every call, no closure
    // each. Should a release of the plugin count later, the call fails loudly (a 503), never on
    // the count of the call before.
    let counted: Counted | undefined;
    const keep = (_error: Error | null, count: Counted) => (counted = count);
    return {
      admit: (request, reply) => {
        const max = budgetOf(request);
        counted = undefined;
        counters.incr(keyOf(request), keep, WINDOW_SECONDS * 1000, max);
        const count = counted as Counted | undefined;
        if (!count) throw new Error("@fastify/rate-limit's in-memory store did not count the call before returning");
        return count.current <= max || refuse(reply, max, count.ttl);
      },
      forcedHeaders,
    };
  }
  await app.register(rateLimit, {
    global: false,
    cache: options.keys,
    keyGenerator: keyOf,
    max: options.perKeyBudgets ? (request) => budgetOf(request) : options.requestsPerMinute,
    timeWindow: WINDOW_SECONDS * 1000,
    ...options.shared,
  });
  const count = app.createRateLimit();
  return {
    admit: async (request, reply) => {
      const result = await count(request);
      return result.isAllowed || !result.isExceeded || refuse(reply, result.max, result.ttl);
    },
    forcedHeaders,
  };
}
